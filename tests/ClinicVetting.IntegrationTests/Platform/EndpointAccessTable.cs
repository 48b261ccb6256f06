using ClinicVetting.Infrastructure.Auth;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// Who may call what, written out by hand: every endpoint of the API must have a row (a test checks), and every
/// row is tried with every role and anonymously. Allowed roles must get past authorization (their request may
/// still be refused on its merits); every other role gets 403, and anonymous callers 401 unless the row is public.
/// </summary>
public static class EndpointAccessTable
{
    public const string Anonymous = "anonymous";

    public sealed record Row(string Method, string Route, string[] Allowed)
    {
        public bool Public => Allowed.Contains(Anonymous);
        public override string ToString() => $"{Method} {Route}";
    }

    private static readonly string[] StaffWork = [Roles.Staff, Roles.Approver];
    private static readonly string[] InternalRead = [Roles.Staff, Roles.Approver, Roles.Auditor];
    private static readonly string[] Everyone = [Anonymous, Roles.Staff, Roles.Approver, Roles.Auditor, Roles.Booking];
    private static readonly string[] BookingSystem = [Roles.Booking];

    public static readonly IReadOnlyList<Row> Rows =
    [
        // Clinics
        new("POST", "/api/clinics", StaffWork),
        new("GET", "/api/clinics", InternalRead),
        new("GET", "/api/clinics/{clinicId}", InternalRead),
        new("PUT", "/api/clinics/{clinicId}", StaffWork),

        // Reviews
        new("POST", "/api/reviews", BookingSystem),
        new("POST", "/api/reviews/import", BookingSystem),
        new("GET", "/api/reviews", InternalRead),
        new("GET", "/api/reviews/{reviewId}", InternalRead),
        new("POST", "/api/reviews/{reviewId}/publish", StaffWork),
        new("POST", "/api/reviews/{reviewId}/reject", StaffWork),
        new("POST", "/api/reviews/{reviewId}/restore", StaffWork),
        new("GET", "/api/reviews/fairness-report", InternalRead),
        new("GET", "/api/clinics/{clinicId}/review-stats", InternalRead),
        new("GET", "/api/public/clinics/{clinicId}/reviews", Everyone),
    ];

    /// <summary>Endpoints outside the API proper: documentation and health.</summary>
    public static readonly IReadOnlyList<Row> Infrastructure =
    [
        new("GET", "/openapi/{documentName}.json", Everyone),
        new("GET", "/docs/{documentName?}", Everyone),
        new("GET", "/docs/favicon.svg", Everyone),
        new("GET", "/docs/scalar.aspnetcore.js", Everyone),
        new("GET", "/docs/scalar.js", Everyone),
        new("GET", "/", Everyone),
        new("GET", "/health/live", Everyone),
        new("GET", "/health/ready", Everyone),
    ];
}
