using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Ranking;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.ReferenceData;
using JasperFx.Events;
using Marten.Events;
using Npgsql;

namespace ClinicVetting.Audit;

/// <summary>One event as an auditor cites it: where it sits in the log, what it is, who wrote it, in which conversation.</summary>
public sealed record EventRef(Guid StreamId, long Version, long Sequence, string Type, DateTimeOffset Timestamp, string? User,
    string? CorrelationId, string? CausationId)
{
    public static EventRef Of(IEvent e) => new(e.StreamId, e.Version, e.Sequence, e.EventTypeName, e.Timestamp, e.UserName, e.CorrelationId,
        e.CausationId);
}

/// <summary>An event with its data: who did what, when and why (the why is in the data: reasons, notes, findings).</summary>
public sealed record LoggedEvent(EventRef Event, object Data);

/// <summary>What the ranking sees of one clinic, rebuilt from the log, with the events behind each part.</summary>
public sealed class ReplayedClinic
{
    public ClinicProfile? Profile { get; set; }
    public ClinicStanding? Standing { get; set; }
    public ClinicClaims? Claims { get; set; }
    public ClinicEfficiency? Efficiency { get; set; }
    public Dictionary<string, List<EventRef>> EventsBehind { get; } = new();

    public void Cite(string part, EventRef e)
    {
        if (!EventsBehind.TryGetValue(part, out var list))
        {
            EventsBehind[part] = list = [];
        }

        list.Add(e);
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
            .Select(x => Ranking.ClinicRankingInput.From(x.Profile!, x.Standing, x.Claims, x.Efficiency, reviews.GetValueOrDefault(x.Profile!.Id, ReviewFacts.None), Regulators))
            .ToList();
    }
}

/// <summary>
/// Replays the log up to a position: reads, in sequence order, only the events that build what the ranking reads
/// (clinic streams, reviews, regulators), and folds them with the aggregates' own methods.
/// </summary>
/// <remarks>
/// The rows are streamed straight from <c>mt_events</c> with one ordered query and deserialized with the store's own
/// serializer: PostgreSQL produces the next rows while this process folds the last ones. Reading them through Marten's
/// LINQ event query in pages cost about twice as much (see docs/performance.md, P5).
/// </remarks>
public sealed class LogReplayer(IDocumentStore store)
{
    /// <summary>The event types a replay reads; registered with Marten up front by the capabilities that write them, so their stored names are known.</summary>
    public static readonly Type[] Relevant = EventFolder<ClinicProfile>.EventTypes
        .Concat(EventFolder<ClinicStanding>.EventTypes)
        .Concat(EventFolder<ClinicClaims>.EventTypes)
        .Concat(EventFolder<ClinicEfficiency>.EventTypes)
        .Concat(EventFolder<Review>.EventTypes)
        .Concat(EventFolder<RegulatorDirectory>.EventTypes)
        .Distinct()
        .ToArray();

    private readonly Dictionary<string, Type> _types = StoredNames(store);

    /// <summary>Events that live in streams of their own (a review's, the regulators'), found by their type; every other relevant event is in a clinic's stream.</summary>
    private string[] OwnStreamTypes => _types.Where(x => typeof(IReviewEvent).IsAssignableFrom(x.Value) || x.Value == typeof(RegulatorRecorded) || x.Value == typeof(RegulatorRemoved))
        .Select(x => x.Key).ToArray();

    private string[] ClinicStreamTypes => _types.Keys.Except(OwnStreamTypes).ToArray();

    private string[] ReviewTypes => _types.Where(x => typeof(IReviewEvent).IsAssignableFrom(x.Value)).Select(x => x.Key).ToArray();

    private string Registered => _types.Single(x => x.Value == typeof(ClinicRegistered)).Key;

    private static Dictionary<string, Type> StoredNames(IDocumentStore store)
    {
        var names = store.Options.Events.AllKnownEventTypes().Where(x => Relevant.Contains(x.EventType))
            .ToDictionary(x => x.EventTypeName, x => x.EventType);
        var missing = Relevant.Except(names.Values).Select(x => x.Name)
            .Concat(names.Values.Where(x => typeof(IReviewEvent).IsAssignableFrom(x) && !ReviewEventFields.Rebuilders.ContainsKey(x))
                .Select(x => $"{x.Name} (no rebuild from its fields)"))
            .ToList();
        return missing.Count == 0
            ? names
            : throw new InvalidOperationException($"Event types unknown to Marten, a replay would skip them: {string.Join(", ", missing)}");
    }

    public async Task<ReplayedLog> ReplayTo(long position, CancellationToken cancellation)
    {
        var log = new ReplayedLog { Position = position };
        var serializer = store.Options.Serializer();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        var events = $"{store.Options.Events.DatabaseSchemaName}.mt_events";
        // The clinics registered up to the position (type index), their streams (stream index), and the reviews and regulators by
        // type: no event of another kind (cases, proposals, notices, ...) is read. Of a review event only the fields the
        // fold reads leave PostgreSQL, not its whole document.
        await using var command = new NpgsqlCommand($"""
            with clinics as (select stream_id from {events} where type = @registered and seq_id <= @position)
            select seq_id, stream_id, version, type, timestamp, user_name, correlation_id, causation_id,
              case when type = any(@reviews) then null else data end,
              {ReviewEventFields.Columns("type = any(@reviews)")}
            from {events}
            where seq_id <= @position and is_archived = false
              and (type = any(@own) or (type = any(@clinicTypes) and stream_id in (select stream_id from clinics)))
            order by seq_id
            """, connection);
        command.Parameters.AddWithValue("position", position);
        command.Parameters.AddWithValue("registered", Registered);
        command.Parameters.AddWithValue("own", OwnStreamTypes);
        command.Parameters.AddWithValue("clinicTypes", ClinicStreamTypes);
        command.Parameters.AddWithValue("reviews", ReviewTypes);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var sequence = reader.GetInt64(0);
            var streamId = reader.GetGuid(1);
            var version = reader.GetInt64(2);
            var type = reader.GetString(3);
            var e = new EventRef(streamId, version, sequence, type, reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7));
            var data = reader.IsDBNull(8)
                ? new ReviewEventFields(reader.GetGuid(9), reader.GetInt32(10), reader.IsDBNull(11) ? null : reader.GetString(11), reader.GetBoolean(12),
                    reader.IsDBNull(13) ? null : (IReadOnlyList<ScreeningFinding>)await serializer.FromJsonAsync(typeof(List<ScreeningFinding>), reader, 13, cancellation))
                    .Rebuild(_types[type], streamId)
                : await serializer.FromJsonAsync(_types[type], reader, 8, cancellation);
            Apply(log, e, data);
            log.EventsRead++;
        }

        return log;
    }

    private static void Apply(ReplayedLog log, EventRef e, object data)
    {
        switch (data)
        {
            case IReviewEvent review:
                log.Reviews[e.StreamId] = EventFolder<Review>.Evolve(log.Reviews.GetValueOrDefault(e.StreamId), data, e.Version)!;
                Clinic(log, review.ClinicId).Cite(nameof(RankingFactor.PatientReviews), e);
                return;
            case RegulatorRecorded or RegulatorRemoved:
                log.Regulators = EventFolder<RegulatorDirectory>.Evolve(log.Regulators, data, e.Version)!;
                return;
        }

        var clinic = Clinic(log, e.StreamId);
        clinic.Profile = EventFolder<ClinicProfile>.Evolve(clinic.Profile, data, e.Version);
        clinic.Standing = EventFolder<ClinicStanding>.Evolve(clinic.Standing, data, e.Version);
        clinic.Claims = EventFolder<ClinicClaims>.Evolve(clinic.Claims, data, e.Version);
        clinic.Efficiency = EventFolder<ClinicEfficiency>.Evolve(clinic.Efficiency, data, e.Version);
        if (PartOf(data) is { } part)
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
