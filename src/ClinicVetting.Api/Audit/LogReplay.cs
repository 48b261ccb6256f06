using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.ReferenceData;
using JasperFx.Events;
using Marten;
using Marten.Events;

namespace ClinicVetting.Audit;

/// <summary>One event as an auditor cites it: where it sits in the log, what it is, who wrote it, in which conversation.</summary>
public sealed record EventRef(Guid StreamId, long Version, long Sequence, string Type, DateTimeOffset Timestamp, string? User,
    string? CorrelationId, string? CausationId)
{
    public static EventRef Of(IEvent e) => new(e.StreamId, e.Version, e.Sequence, e.EventTypeName, e.Timestamp, e.UserName, e.CorrelationId,
        e.CausationId);
}

/// <summary>What the ranking sees of one clinic, rebuilt from the log, with the events behind each part.</summary>
public sealed class ReplayedClinic
{
    public ClinicProfile? Profile { get; set; }
    public ClinicClaims? Claims { get; set; }
    public ClinicEfficiency? Efficiency { get; set; }
    public Dictionary<string, List<EventRef>> EventsBehind { get; } = new();

    public void Cite(string part, IEvent e)
    {
        if (!EventsBehind.TryGetValue(part, out var list))
        {
            EventsBehind[part] = list = [];
        }

        list.Add(EventRef.Of(e));
    }
}

/// <summary>The state the ranking reads, as of one position of the event log, folded from the events alone.</summary>
public sealed class ReplayedLog
{
    public long Position { get; init; }
    public long EventsRead { get; set; }
    public Dictionary<Guid, ReplayedClinic> Clinics { get; } = new();
    public Dictionary<Guid, Review> Reviews { get; } = new();
    public RegulatorDirectory Regulators { get; set; } = new();

    public IReadOnlyList<ClinicRankingInput> RankingInputs()
    {
        var reviews = Reviews.Values.GroupBy(x => x.ClinicId).ToDictionary(x => x.Key, ReviewFacts.Of);
        return Clinics.Values.Where(x => x.Profile is not null)
            .Select(x => Ranking.RankingInputs.For(x.Profile!, x.Claims, x.Efficiency, reviews.GetValueOrDefault(x.Profile!.Id, ReviewFacts.None), Regulators))
            .ToList();
    }
}

/// <summary>
/// Replays the log up to a position: reads, in sequence order and in pages, only the events that build what the ranking
/// reads (clinic streams, reviews, regulators), and folds them with the aggregates' own methods.
/// </summary>
public sealed class LogReplayer(IDocumentStore store)
{
    private const int PageSize = 5_000;

    private static readonly Type[] Relevant = EventFolder<ClinicProfile>.EventTypes
        .Concat(EventFolder<ClinicClaims>.EventTypes)
        .Concat(EventFolder<ClinicEfficiency>.EventTypes)
        .Concat(EventFolder<Review>.EventTypes)
        .Concat(EventFolder<RegulatorDirectory>.EventTypes)
        .Distinct()
        .ToArray();

    public async Task<ReplayedLog> ReplayTo(long position, CancellationToken cancellation)
    {
        var log = new ReplayedLog { Position = position };
        await using var session = store.QuerySession();
        var from = 0L;
        while (from < position)
        {
            var to = Math.Min(position, from + PageSize * 4);
            var page = await session.Events.QueryAllRawEvents()
                .Where(x => x.Sequence > from && x.Sequence <= to)
                .Where(x => x.EventTypesAre(Relevant))
                .OrderBy(x => x.Sequence)
                .ToListAsync(cancellation);
            foreach (var e in page)
            {
                Apply(log, e);
            }

            log.EventsRead += page.Count;
            from = to;
        }

        return log;
    }

    private static void Apply(ReplayedLog log, IEvent e)
    {
        switch (e.Data)
        {
            case IReviewEvent review:
                log.Reviews[e.StreamId] = EventFolder<Review>.Evolve(log.Reviews.GetValueOrDefault(e.StreamId), e.Data, e.Version)!;
                Clinic(log, review.ClinicId).Cite(nameof(RankingFactor.PatientReviews), e);
                return;
            case RegulatorRecorded or RegulatorRemoved:
                log.Regulators = EventFolder<RegulatorDirectory>.Evolve(log.Regulators, e.Data, e.Version)!;
                return;
        }

        var clinic = Clinic(log, e.StreamId);
        clinic.Profile = EventFolder<ClinicProfile>.Evolve(clinic.Profile, e.Data, e.Version);
        clinic.Claims = EventFolder<ClinicClaims>.Evolve(clinic.Claims, e.Data, e.Version);
        clinic.Efficiency = EventFolder<ClinicEfficiency>.Evolve(clinic.Efficiency, e.Data, e.Version);
        if (PartOf(e.Data) is { } part)
        {
            clinic.Cite(part, e);
        }
    }

    private static ReplayedClinic Clinic(ReplayedLog log, Guid clinicId)
    {
        if (!log.Clinics.TryGetValue(clinicId, out var clinic))
        {
            log.Clinics[clinicId] = clinic = new ReplayedClinic();
        }

        return clinic;
    }

    /// <summary>Which part of a clinic's ranking an event of its stream feeds.</summary>
    public static string? PartOf(object data) => data switch
    {
        AccreditationClaimed => nameof(RankingFactor.Accreditations),
        ProtocolClaimed => nameof(RankingFactor.TreatmentPrograms),
        InquiryResponseMeasured or FollowUpCompletionMeasured => nameof(RankingFactor.Efficiency),
        ClinicRegistered or ClinicProfileUpdated => "Profile",
        ClaimWithdrawn => "Claims",
        LicenseClaimed or ClinicVettingApproved or ClinicVettingRejected or ClinicSuspended or ClinicReinstated or RedFlagRaised or RedFlagCleared
            or CredentialLapsed => "Eligibility",
        _ => null,
    };
}
