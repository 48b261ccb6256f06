using ClinicVetting.Clinics;
using ClinicVetting.Vetting.Monitoring;

namespace ClinicVetting.Vetting;

public sealed record RedFlagInput(
    RedFlagCategory Category,
    [property: FieldLimit(MaxLength = 4000)] string Description,
    [property: FieldLimit(MaxLength = 4000)] string? Excerpt = null) : IHasExample<RedFlagInput>
{
    public static RedFlagInput Example => new(RedFlagCategory.CureClaim, "The treatments page promises a cure for Parkinson's disease",
        "Our stem cells cure Parkinson's disease in 95% of patients.");

    public FieldErrors Validate() => new FieldErrors()
        .WithinLimits(this)
        .Present("description", Description);
}

public sealed record RaiseRedFlag(Guid ClinicId, RedFlagInput Flag);

public sealed record RedFlagOnFile(Guid ClinicId, Guid FlagId, ClinicStatus ClinicStatus);

public static class RaiseRedFlagEndpoint
{
    public static ProblemDetails Validate(RedFlagInput flag) => flag.Validate().ToProblem();

    /// <summary>Raise a red flag on a clinic. It blocks approval while open; an approved clinic is suspended from the ranking at once.</summary>
    [WolverinePost("/api/clinics/{clinicId}/red-flags", OperationId = "RaiseRedFlag"), Authorize(Policy = Policies.StaffWork)]
    [Tags("Vetting")]
    public static Task<RedFlagOnFile> Post(Guid clinicId, RedFlagInput flag, IMessageBus bus) =>
        bus.InvokeAsync<RedFlagOnFile>(new RaiseRedFlag(clinicId, flag));
}

public static class RaiseRedFlagHandler
{
    public static async Task<RedFlagOnFile> Handle(RaiseRedFlag command, IDocumentSession session, IMessageContext context, TimeProvider clock,
        CancellationToken cancellation)
    {
        var (stream, clinic) = await session.Events.FetchExisting<ClinicStanding>(command.ClinicId, "Clinic", cancellation);
        var now = clock.GetUtcNow();

        var (raised, suspended) = Decide(clinic, command.Flag.Category, command.Flag.Description, command.Flag.Excerpt, Actor.Of(context), now);
        stream.AppendOne(raised);
        if (suspended is not null)
        {
            stream.AppendOne(suspended);
            session.Store(StaffNotification.Of(NotificationKind.ClinicSuspended, clinic.Id, clinic.Name,
                $"{clinic.Name} is suspended from the ranking: {suspended.Reason}", now));
        }

        return new RedFlagOnFile(clinic.Id, raised.Flag.FlagId, suspended is null ? clinic.Status : ClinicStatus.Suspended);
    }

    /// <summary>A staff flag (its key unique, so never taken for one the rules raise); an approved clinic is suspended at once.</summary>
    public static (RedFlagRaised Flag, ClinicSuspended? Suspension) Decide(ClinicStanding clinic, RedFlagCategory category,
        string description, string? excerpt, string raisedBy, DateTimeOffset now)
    {
        var flag = new RedFlag(Guid.CreateVersion7(), $"staff:{Guid.NewGuid():N}", category, description.Trim(), excerpt?.Trim(),
            Automatic: false, clinic.OpenCaseId, raisedBy, now);
        return (new RedFlagRaised(clinic.Id, flag), clinic.SuspensionFor(flag, now));
    }
}
