namespace ClinicVetting.Shared;

/// <summary>Who is acting: the authenticated user Wolverine relays from HTTP, or the system for its own work.</summary>
public static class Actor
{
    public const string System = "system";

    public static string Of(IMessageContext context) => string.IsNullOrWhiteSpace(context.UserName) ? System : context.UserName;
}
