using System.Security.Cryptography;

namespace ClinicVetting.Notifications;

/// <summary>What a webhook subscriber can hear of.</summary>
public static class WebhookEvents
{
    public const string VettingDecided = "vetting.decided";
    public const string ClinicSuspended = "clinic.suspended";
    public const string ClinicReinstated = "clinic.reinstated";
    public const string EditionPublished = "ranking.edition-published";

    public static readonly string[] All = [VettingDecided, ClinicSuspended, ClinicReinstated, EditionPublished];
}

/// <summary>Another system that receives signed deliveries of the events it chose; the secret is shown once, at subscription.</summary>
public sealed class WebhookSubscriber
{
    public Guid Id { get; set; }
    public string Url { get; set; } = "";
    public List<string> Events { get; set; } = [];
    public string Secret { get; set; } = "";
    public string? Description { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A subscriber as listed: never its secret.</summary>
public sealed record WebhookSubscriberView(Guid Id, string Url, IReadOnlyList<string> Events, string? Description, string CreatedBy, DateTimeOffset CreatedAt)
{
    public static WebhookSubscriberView Of(WebhookSubscriber x) => new(x.Id, x.Url, x.Events, x.Description, x.CreatedBy, x.CreatedAt);
}
