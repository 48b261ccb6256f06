using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Vetting.Monitoring;

namespace ClinicVetting.Vetting;

public sealed record OpenCaseItem(Guid CaseId, Guid ClinicId, string ClinicName, DateTimeOffset OpenedAt, IReadOnlyList<string> ChecksWaitingForStaff,
    IReadOnlyList<LicenseLookupTask> LookupTasks, int OpenRedFlags);

public sealed record ExpiringCredential(Guid ClinicId, string ClinicName, Guid ClaimId, CredentialKind Kind, string Credential, DateOnly ValidUntil,
    int DaysLeft);

public sealed record ReverificationItem(Guid ClinicId, string ClinicName, DateTimeOffset ApprovedAt, DateTimeOffset ReverifyBy, int DaysLeft);

/// <summary>A suspended clinic with causes someone resolved: an approver other than <c>ResolvedBy</c> approves its reinstatement.</summary>
public sealed record ReinstatementItem(Guid ClinicId, string ClinicName, IReadOnlyList<string> CausesResolved, IReadOnlyList<string> ResolvedBy,
    IReadOnlyList<string> StillWaiting);

public sealed record WorkQueue(int WithinDays, IReadOnlyList<OpenCaseItem> OpenCases, IReadOnlyList<ExpiringCredential> Expiring,
    IReadOnlyList<ReverificationItem> ReverificationDue, IReadOnlyList<ReinstatementItem> ReinstatementsAwaitingApproval);

public static class GetWorkQueueEndpoint
{
    public static ProblemDetails Validate(int? days) =>
        new FieldErrors().Range("days", days, 1, 3650).ToProblem();

    /// <summary>
    /// What is waiting for staff: open cases with the checks that still need evidence and the license look-ups to do;
    /// licenses and accreditations expiring (or lapsed) within <c>days</c> (30 by default); re-verifications falling due;
    /// suspended clinics whose suspension someone resolved, awaiting another approver's approval of the reinstatement.
    /// </summary>
    [WolverineGet("/api/vetting/work-queue", OperationId = "GetWorkQueue"), Authorize(Policy = Policies.InternalRead)]
    [Tags("Vetting")]
    public static async Task<WorkQueue> Get(int? days, IQuerySession session, TimeProvider clock, CancellationToken cancellation)
    {
        var within = days ?? 30;
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var horizon = today.AddDays(within);

        var openCases = await session.Query<VettingCase>().Where(x => x.Status == CaseStatus.Open).OrderBy(x => x.OpenedAt).ToListAsync(cancellation);
        var expiring = await session.QueryAsync<ClinicClaims>(
            """
            where exists (select 1 from jsonb_array_elements(d.data -> 'licenses') c where (c ->> 'validUntil')::date <= ?::date)
               or exists (select 1 from jsonb_array_elements(d.data -> 'accreditations') c where (c ->> 'validUntil')::date <= ?::date)
            """, cancellation, horizon.ToString("yyyy-MM-dd"), horizon.ToString("yyyy-MM-dd"));
        var dueClinics = await session.Query<ClinicStanding>()
            .Where(x => x.ReverifyBy != null && x.ReverifyBy <= now.AddDays(within))
            .ToListAsync(cancellation);
        var suspended = await session.Query<ClinicStanding>().Where(x => x.Status == ClinicStatus.Suspended).OrderBy(x => x.Name).ToListAsync(cancellation);
        var suspendedClaims = (await session.LoadManyAsync<ClinicClaims>(cancellation, suspended.Select(x => x.Id).ToArray())).ToDictionary(x => x.Id);

        var clinicIds = openCases.Select(x => x.ClinicId).Concat(expiring.Select(x => x.Id)).Distinct().ToArray();
        var clinics = (await session.LoadManyAsync<ClinicStanding>(cancellation, clinicIds)).ToDictionary(x => x.Id);
        string NameOf(Guid id) => clinics.TryGetValue(id, out var clinic) ? clinic.Name : "";

        return new WorkQueue(within,
            openCases.Select(x => new OpenCaseItem(x.Id, x.ClinicId, NameOf(x.ClinicId), x.OpenedAt,
                x.Checks.Where(c => c.Status is CheckStatus.Pending or CheckStatus.Failed).Select(c => CheckRoute.NameOf(c.Kind)).ToList(),
                x.LookupTasks,
                clinics.TryGetValue(x.ClinicId, out var clinic) ? clinic.OpenRedFlags.Count() : 0)).ToList(),
            expiring.SelectMany(claims =>
                    claims.Licenses.Select(l => (l.ClaimId, l.ValidUntil)).Concat(claims.Accreditations.Select(a => (a.ClaimId, a.ValidUntil)))
                        .Where(c => c.ValidUntil <= horizon)
                        .Select(c => (claims, credential: claims.Credential(c.ClaimId)!.Value, c.ClaimId)))
                .Select(x => new ExpiringCredential(x.claims.Id, NameOf(x.claims.Id), x.ClaimId, x.credential.Kind, x.credential.Label,
                    x.credential.ValidUntil, x.credential.ValidUntil.DayNumber - today.DayNumber))
                .OrderBy(x => x.ValidUntil)
                .ToList(),
            dueClinics.Select(x => new ReverificationItem(x.Id, x.Name, x.ApprovedAt!.Value, x.ReverifyBy!.Value, (int)(x.ReverifyBy!.Value - now).TotalDays))
                .OrderBy(x => x.ReverifyBy)
                .ToList(),
            suspended.Select(x => (Clinic: x, Resolution: ApproveReinstatementHandler.Resolution(x, suspendedClaims.GetValueOrDefault(x.Id), today)))
                .Where(x => x.Resolution.Ready.Count > 0)
                .Select(x => new ReinstatementItem(x.Clinic.Id, x.Clinic.Name, x.Resolution.Ready.Select(r => r.Reason).ToList(),
                    Preparation.People(x.Resolution.Ready.Select(r => r.By)), x.Resolution.Waiting))
                .ToList());
    }
}
