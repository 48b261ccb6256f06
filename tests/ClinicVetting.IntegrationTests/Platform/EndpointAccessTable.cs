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

    public sealed record Row(string Method, string Route, string[] Allowed, bool HasBody = true)
    {
        public bool Public => Allowed.Contains(Anonymous);

        /// <summary>The capability the endpoint belongs to, as the sections below group them.</summary>
        public string Family => Route switch
        {
            _ when Route.StartsWith("/api/public/rankings") => "public feed",
            _ when Route.StartsWith("/api/audit") => "audit",
            _ when Route.StartsWith("/api/notifications") => "notifications",
            _ when Route.StartsWith("/api/reference") => "reference data",
            _ when Route.StartsWith("/api/ranking") || Route.Contains("/efficiency/") || Route.EndsWith("/sponsored-placements") => "ranking",
            _ when Route.StartsWith("/api/reviews") || Route.StartsWith("/api/public/clinics") || Route.EndsWith("/review-stats") => "reviews",
            _ when Route.StartsWith("/api/vetting") || Route.Contains("/red-flags") || Route.EndsWith("/reinstatement") => "vetting",
            _ when Route.Contains("/claims") => "claims",
            _ => "clinics",
        };
        public override string ToString() => $"{Method} {Route}";
    }

    private static readonly string[] StaffWork = [Roles.Staff, Roles.Approver];
    private static readonly string[] Approvers = [Roles.Approver];
    private static readonly string[] AuditRead = [Roles.Auditor, Roles.Approver];
    private static readonly string[] InternalRead = [Roles.Staff, Roles.Approver, Roles.Auditor];
    private static readonly string[] Everyone = [Anonymous, Roles.Staff, Roles.Approver, Roles.Auditor, Roles.Booking];
    private static readonly string[] BookingSystem = [Roles.Booking];
    private static readonly string[] Auditors = [Roles.Auditor, Roles.Approver];

    public static readonly IReadOnlyList<Row> Rows =
    [
        // Clinics
        new("POST", "/api/clinics", StaffWork),
        new("GET", "/api/clinics", InternalRead),
        new("GET", "/api/clinics/{clinicId}", InternalRead),
        new("PUT", "/api/clinics/{clinicId}", StaffWork),

        // Claims
        new("GET", "/api/clinics/{clinicId}/claims", InternalRead),
        new("POST", "/api/clinics/{clinicId}/claims/licenses", StaffWork),
        new("POST", "/api/clinics/{clinicId}/claims/accreditations", StaffWork),
        new("POST", "/api/clinics/{clinicId}/claims/therapies", StaffWork),
        new("POST", "/api/clinics/{clinicId}/claims/team-members", StaffWork),
        new("POST", "/api/clinics/{clinicId}/claims/protocols", StaffWork),
        new("PUT", "/api/clinics/{clinicId}/claims/medical-evaluation", StaffWork),
        new("PUT", "/api/clinics/{clinicId}/claims/aftercare", StaffWork),
        new("POST", "/api/clinics/{clinicId}/claims/marketing-texts", StaffWork),
        new("POST", "/api/clinics/{clinicId}/claims/{claimId}/withdrawal", StaffWork),

        // Vetting
        new("POST", "/api/vetting/cases", StaffWork),
        new("GET", "/api/vetting/cases", InternalRead),
        new("GET", "/api/vetting/cases/{caseId}", InternalRead),
        new("POST", "/api/vetting/cases/{caseId}/checks/{check}/evidence", StaffWork),
        new("POST", "/api/vetting/cases/{caseId}/checks/{check}/evidence/{evidenceId}/documents", StaffWork),
        new("GET", "/api/vetting/cases/{caseId}/documents/{sha256}", InternalRead),
        new("POST", "/api/vetting/cases/{caseId}/checks/{check}/waiver", Approvers),
        new("POST", "/api/vetting/cases/{caseId}/approval", Approvers, HasBody: false),
        new("POST", "/api/vetting/cases/{caseId}/rejection", Approvers),
        new("POST", "/api/clinics/{clinicId}/red-flags", StaffWork),
        new("POST", "/api/clinics/{clinicId}/red-flags/{flagId}/clearance", StaffWork),
        new("POST", "/api/clinics/{clinicId}/reinstatement", StaffWork),
        new("POST", "/api/clinics/{clinicId}/reinstatement/approval", Approvers, HasBody: false),
        new("GET", "/api/vetting/work-queue", InternalRead),
        new("GET", "/api/vetting/notifications", InternalRead),

        // Reference data
        new("GET", "/api/reference/regulators", InternalRead),
        new("PUT", "/api/reference/regulators/{country}", Approvers),
        new("GET", "/api/reference/vetting-rules", InternalRead),
        new("PUT", "/api/reference/vetting-rules", Approvers),
        new("GET", "/api/reference/conditions", Everyone),

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

        // Ranking
        new("PUT", "/api/ranking/policy", Approvers),
        new("GET", "/api/ranking/policy", Everyone),
        new("POST", "/api/ranking/proposals", StaffWork, HasBody: false),
        new("GET", "/api/ranking/proposals", InternalRead),
        new("GET", "/api/ranking/proposals/{proposalId}", InternalRead),
        new("POST", "/api/ranking/proposals/{proposalId}/approval", Approvers),
        new("POST", "/api/ranking/proposals/{proposalId}/decline", Approvers),
        new("POST", "/api/clinics/{clinicId}/efficiency/inquiry-responses", [Roles.Staff, Roles.Approver, Roles.Booking]),
        new("POST", "/api/clinics/{clinicId}/efficiency/follow-ups", StaffWork),
        new("POST", "/api/clinics/{clinicId}/sponsored-placements", Approvers),

        // Audit
        new("GET", "/api/audit/editions/{edition}/replay", AuditRead),
        new("POST", "/api/audit/editions/{edition}/what-if", AuditRead),
        new("GET", "/api/audit/clinics/{clinicId}", AuditRead),
        new("GET", "/api/audit/events", AuditRead),

        // Notifications: notices to clinics, webhooks to other systems
        new("GET", "/api/notifications/notices", InternalRead),
        new("POST", "/api/notifications/webhooks", Approvers),
        new("GET", "/api/notifications/webhooks", Approvers),
        new("DELETE", "/api/notifications/webhooks/{subscriberId}", Approvers, HasBody: false),
        new("GET", "/api/notifications/webhooks/dead-letters", InternalRead),
        new("POST", "/api/notifications/webhooks/deliveries/{deliveryId}/redelivery", StaffWork, HasBody: false),

        // The public feed
        new("GET", "/api/public/rankings", Everyone),
        new("GET", "/api/public/rankings/editions", Everyone),
        new("GET", "/api/public/rankings/editions/{edition}", Everyone),
        new("GET", "/api/public/rankings/feed.atom", Everyone),

        // Audit: the tamper-evident log
        new("GET", "/api/audit/integrity", Auditors),
        new("POST", "/api/audit/integrity/reverifications", Auditors, HasBody: false),
        new("GET", "/api/audit/integrity/reverifications/{reverificationId}", Auditors),
        new("GET", "/api/audit/seals/latest", Auditors),

        // Audit: CSV exports
        new("GET", "/api/audit/exports/cases.csv", Auditors),
        new("GET", "/api/audit/exports/decisions.csv", Auditors),
        new("GET", "/api/audit/exports/editions.csv", Auditors),
        new("GET", "/api/audit/exports/fairness-report.csv", Auditors),
        new("GET", "/api/audit/exports/events.csv", Auditors),
    ];

    /// <summary>Endpoints outside the API proper: documentation, health and the public pages.</summary>
    public static readonly IReadOnlyList<Row> Infrastructure =
    [
        new("GET", "/openapi/{documentName}.json", Everyone),
        new("GET", "/docs/{documentName?}", Everyone),
        new("GET", "/docs/favicon.svg", Everyone),
        new("GET", "/docs/scalar.aspnetcore.js", Everyone),
        new("GET", "/docs/scalar.js", Everyone),
        new("GET", "/", Everyone),
        new("GET", "/methodology", Everyone),
        new("GET", "/editions", Everyone),
        new("GET", "/editions/{edition}", Everyone),
        new("GET", "/health/live", Everyone),
        new("GET", "/health/ready", Everyone),
    ];
}
