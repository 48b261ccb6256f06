using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using JasperFx.Events;

namespace ClinicVetting.Audit;

public sealed record ReviewCounts(int Pending, int Held, int Published, int Rejected, int VerifiedPublished, double? VerifiedPublishedMean);

/// <summary>A clinic's whole file as it stood at one instant, and the events it is made of.</summary>
public sealed record ClinicFile(
    Guid ClinicId,
    DateTimeOffset AsOf,
    ClinicOverview Profile,
    ClinicClaims? Claims,
    ClinicEfficiency? Efficiency,
    IReadOnlyList<VettingCase> Cases,
    ReviewCounts Reviews,
    IReadOnlyList<LoggedEvent> Events);

public static class GetClinicFileAsOfEndpoint
{
    /// <summary>
    /// A clinic's file at an instant (default now): profile and status, claims, vetting cases with checks and evidence, red flags,
    /// suspensions, review counts, efficiency facts, with every event behind them (user, correlation and causation ids).
    /// </summary>
    [WolverineGet("/api/audit/clinics/{clinicId}", OperationId = "GetClinicFileAsOf"), Authorize(Policy = Policies.Audit)]
    [Tags("Audit")]
    [ProducesResponseType<ClinicFile>(StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(Guid clinicId, DateTimeOffset? asOf, IQuerySession session, CancellationToken cancellation)
    {
        var instant = asOf ?? DateTimeOffset.UtcNow;
        var clinicEvents = await session.Events.FetchStreamAsync(clinicId, timestamp: instant, token: cancellation);
        if (clinicEvents.Count == 0)
        {
            return Results.Problem(Problems.Create(404, "Clinic not found", $"No clinic with id '{clinicId}' existed at {instant:O}."));
        }

        ClinicProfile? profile = null;
        ClinicStanding? standing = null;
        ClinicClaims? claims = null;
        ClinicEfficiency? efficiency = null;
        foreach (var e in clinicEvents)
        {
            profile = EventFolder<ClinicProfile>.Evolve(profile, e.Data, e.Version);
            standing = EventFolder<ClinicStanding>.Evolve(standing, e.Data, e.Version);
            claims = EventFolder<ClinicClaims>.Evolve(claims, e.Data, e.Version);
            efficiency = EventFolder<ClinicEfficiency>.Evolve(efficiency, e.Data, e.Version);
        }

        var events = clinicEvents.ToList();
        var cases = new List<VettingCase>();
        foreach (var caseId in clinicEvents.Select(x => x.Data).OfType<ClinicVettingCaseOpened>().Select(x => x.CaseId))
        {
            var caseEvents = await session.Events.FetchStreamAsync(caseId, timestamp: instant, token: cancellation);
            VettingCase? vettingCase = null;
            foreach (var e in caseEvents)
            {
                vettingCase = EventFolder<VettingCase>.Evolve(vettingCase, e.Data, e.Version);
            }

            if (vettingCase is not null) cases.Add(vettingCase);
            events.AddRange(caseEvents);
        }

        var reviews = await Reviews(session, clinicId, instant, cancellation);
        return Results.Json(new ClinicFile(clinicId, instant, ClinicOverview.Of(profile!, standing), claims, efficiency, cases, reviews,
            events.OrderBy(x => x.Sequence).Select(x => new LoggedEvent(EventRef.Of(x), x.Data)).ToList()));
    }

    private static async Task<ReviewCounts> Reviews(IQuerySession session, Guid clinicId, DateTimeOffset instant, CancellationToken cancellation)
    {
        var reviewIds = await session.Query<Review>().Where(x => x.ClinicId == clinicId).Select(x => x.Id).ToListAsync(cancellation);
        var states = new Dictionary<Guid, Review>();
        if (reviewIds.Count > 0)
        {
            var ids = reviewIds.ToArray();
            var reviewEvents = await session.Events.QueryAllRawEvents()
                .Where(x => x.StreamId.IsOneOf(ids) && x.Timestamp <= instant)
                .OrderBy(x => x.Sequence)
                .ToListAsync(cancellation);
            foreach (var e in reviewEvents)
            {
                states[e.StreamId] = EventFolder<Review>.Evolve(states.GetValueOrDefault(e.StreamId), e.Data, e.Version)!;
            }
        }

        var facts = ReviewFacts.Of(states.Values);
        return new ReviewCounts(
            states.Values.Count(x => x.Status == ReviewStatus.Pending),
            states.Values.Count(x => x.Status == ReviewStatus.Held),
            states.Values.Count(x => x.Status == ReviewStatus.Published),
            states.Values.Count(x => x.Status == ReviewStatus.Rejected),
            facts.VerifiedPublished,
            facts.VerifiedPublished == 0 ? null : (double)facts.RatingSum / facts.VerifiedPublished);
    }
}
