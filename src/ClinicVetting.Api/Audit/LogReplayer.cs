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
    /// <summary>
    /// The events behind each part, in the order the parts were first cited; the reviews' (<see cref="RankingFactor.PatientReviews"/>)
    /// only once <see cref="LogReplayer.CiteReviews"/> has read them for this clinic.
    /// </summary>
    public Dictionary<string, List<EventRef>> EventsBehind { get; } = new();

    /// <summary>The sequence numbers of the review events folded for this clinic, in the log's order.</summary>
    public List<long> ReviewsBehind { get; } = [];

    /// <summary>How many parts were cited before the first review: where the reviews' part goes among <see cref="EventsBehind"/>.</summary>
    internal int ReviewsCitedAt { get; private set; } = -1;

    public void Cite(string part, EventRef e)
    {
        if (!EventsBehind.TryGetValue(part, out var list))
        {
            EventsBehind[part] = list = [];
        }

        list.Add(e);
    }

    internal void CiteReview(long sequence)
    {
        if (ReviewsBehind.Count == 0)
        {
            ReviewsCitedAt = EventsBehind.Count;
        }

        ReviewsBehind.Add(sequence);
    }

    /// <summary>The review events behind this clinic, put in their place among the parts (where the first one was cited).</summary>
    internal void CiteReviews(List<EventRef> reviews)
    {
        if (ReviewsCitedAt < 0 || EventsBehind.ContainsKey(nameof(RankingFactor.PatientReviews)))
        {
            return;
        }

        var parts = EventsBehind.ToList();
        EventsBehind.Clear();
        for (var i = 0; i <= parts.Count; i++)
        {
            if (i == ReviewsCitedAt)
            {
                EventsBehind[nameof(RankingFactor.PatientReviews)] = reviews;
            }

            if (i < parts.Count)
            {
                EventsBehind[parts[i].Key] = parts[i].Value;
            }
        }
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
/// The rows are read straight from <c>mt_events</c>, one cursor per event type (each an index scan on <c>(type, seq_id)</c>,
/// so in sequence order and never touching events of other kinds), merged here by sequence number, and deserialized with
/// the store's own serializer: PostgreSQL produces a cursor's next rows while this process folds the last ones. Of a review
/// event only the fields the fold reads and its sequence number are read; its citation (time, user, conversation) is read
/// afterwards for the clinics that are asked for (<see cref="CiteReviews"/>: the listed ones, by the edition's replay). Reading
/// them through Marten's LINQ event query in pages cost about twice as much (see docs/performance.md, P5).
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

    /// <summary>Rows fetched from a type's cursor at a time; one fetch is in flight while the last ones are folded.</summary>
    internal int FetchSize { get; init; } = 5_000;

    public async Task<ReplayedLog> ReplayTo(long position, CancellationToken cancellation)
    {
        var log = new ReplayedLog { Position = position };
        var serializer = store.Options.Serializer();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        // One snapshot for every cursor; nothing is written.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellation);
        var events = $"{store.Options.Events.DatabaseSchemaName}.mt_events";
        var reviews = ReviewTypes.ToHashSet();
        var own = OwnStreamTypes.ToHashSet();
        var cursors = _types.Keys.Order(StringComparer.Ordinal)
            .Select((type, i) => new Cursor($"replay_{i}", type, _types[type], reviews.Contains(type), !own.Contains(type), FetchSize))
            .ToList();

        // One round trip: JIT off (its compilation cost more than it saved at 5M events), one cursor per event type the fold
        // reads, each an index scan on (type, seq_id) so already in sequence order, and the clinics registered up to the
        // position (the same index). No event of another kind (cases, proposals, notices, ...) is read; of a review event only
        // the fields the fold reads leave PostgreSQL, not its whole document.
        var clinics = new HashSet<Guid>();

        // The lists a fetch's rows arrive in, used again once their rows are queued: at most two are in use at a time, so the
        // replay does not allocate (on the large object heap, at 5,000 rows) a growing list per fetch.
        var spare = new Stack<List<Row>>();
        List<Row> Buffer() => spare.TryPop(out var list) ? list : new List<Row>(FetchSize);
        void Take(Cursor cursor, List<Row> rows)
        {
            cursor.Take(rows);
            rows.Clear();
            spare.Push(rows);
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("set local jit = off"));
            // The (type, seq_id) index's order is the table's own within a type (events are appended in sequence order), but
            // PostgreSQL judges its heap reads by the type alone and, at the default cost of a random page, would read a type
            // that is half the log (the reviews) by a pass over the whole primary key instead.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("set local random_page_cost = 1.1"));
            foreach (var cursor in cursors)
            {
                var declare = new NpgsqlBatchCommand($"""
                    declare {cursor.Name} no scroll cursor for
                    select seq_id, stream_id, version,
                      {(cursor.Review ? ReviewEventFields.Columns(cursor.ClrType) : $"{Metadata}, data")}
                    from {events}
                    where type = $1 and seq_id <= $2 and is_archived = false
                    order by seq_id
                    """);
                declare.Parameters.Add(new NpgsqlParameter { Value = cursor.Type });
                declare.Parameters.Add(new NpgsqlParameter { Value = position });
                batch.BatchCommands.Add(declare);
            }

            var registered = new NpgsqlBatchCommand($"select stream_id from {events} where type = $1 and seq_id <= $2");
            registered.Parameters.Add(new NpgsqlParameter { Value = Registered });
            registered.Parameters.Add(new NpgsqlParameter { Value = position });
            batch.BatchCommands.Add(registered);
            await using var reader = await batch.ExecuteReaderAsync(cancellation);
            while (reader.FieldCount == 0 && await reader.NextResultAsync(cancellation))
            {
                // set local and the cursors' declarations return no rows
            }

            while (await reader.ReadAsync(cancellation))
            {
                clinics.Add(reader.GetGuid(0));
            }
        }

        // The first rows of every cursor in one round trip (a fetch is described once its cursor exists, so not in the batch above).
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var cursor in cursors)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(cursor.Fetch));
            }

            await using var reader = await batch.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellation);
            foreach (var cursor in cursors)
            {
                Take(cursor, await Read(cursor, reader, serializer, Buffer(), cancellation));
                await reader.NextResultAsync(cancellation);
            }
        }

        // Merged by sequence number while folding: the fold sees the events in the log's order, as one ordered query gave them.
        // The next rows of the cursor that will run out first are fetched while the last ones are folded.
        var active = cursors.Where(x => x.Rows.Count > 0 || !x.Done).ToList();
        (Cursor Cursor, Task<List<Row>> Rows)? pending = null;
        try
        {
            var sincePrefetch = 0;
            while (true)
            {
                Cursor? next = null;
                for (var i = 0; i < active.Count; i++)
                {
                    var cursor = active[i];
                    while (cursor.Rows.Count == 0 && !cursor.Done)
                    {
                        if (pending is null)
                        {
                            pending = (cursor, FetchRows(cursor, connection, transaction, serializer, Buffer(), cancellation));
                        }

                        var (fetched, rows) = pending.Value;
                        pending = null;
                        Take(fetched, await rows);
                    }

                    if (cursor.Rows.Count == 0)
                    {
                        active.RemoveAt(i--);
                        continue;
                    }

                    if (next is null || cursor.Rows.Peek().Sequence < next.Rows.Peek().Sequence)
                    {
                        next = cursor;
                    }
                }

                if (next is null)
                {
                    break;
                }

                var row = next.Rows.Dequeue();
                if (!next.InClinicStream || clinics.Contains(row.StreamId))
                {
                    Apply(log, row);
                    log.EventsRead++;
                }

                if (pending is { Rows.IsCompleted: true } done)
                {
                    pending = null;
                    Take(done.Cursor, await done.Rows);
                }

                if (pending is null && (++sincePrefetch >= 256 || next.Rows.Count == 0))
                {
                    sincePrefetch = 0;
                    var first = active.Where(x => !x.Done && x.Rows.Count < x.FetchSize).MinBy(x => x.Frontier);
                    if (first is not null)
                    {
                        pending = (first, FetchRows(first, connection, transaction, serializer, Buffer(), cancellation));
                    }
                }
            }
        }
        finally
        {
            if (pending is { } left)
            {
                try
                {
                    await left.Rows;
                }
                catch
                {
                    // The replay already failed or was cancelled; the connection is closed next.
                }
            }
        }

        return log;
    }

    /// <summary>
    /// One event as the fold reads it. A review event carries no <see cref="EventRef"/>: its metadata (time, user,
    /// conversation) is read only for the clinics whose citations are asked for (<see cref="CiteReviews"/>).
    /// </summary>
    private readonly record struct Row(long Sequence, Guid StreamId, long Version, EventRef? Event, object Data);

    /// <summary>The columns of <see cref="EventRef"/> after sequence, stream and version.</summary>
    private const string Metadata = "timestamp, user_name, correlation_id, causation_id";

    /// <summary>One event type's rows, in sequence order, as fetched from its cursor.</summary>
    private sealed class Cursor(string name, string type, Type clrType, bool review, bool inClinicStream, int fetchSize)
    {
        public string Name => name;
        public string Type => type;
        public Type ClrType => clrType;
        public bool Review => review;

        /// <summary>Of a clinic's stream (applied only if the stream's clinic was registered up to the position); else in a stream of its own.</summary>
        public bool InClinicStream => inClinicStream;

        public string Fetch => $"fetch forward {fetchSize} from {name}";

        public int FetchSize => fetchSize;
        public Queue<Row> Rows { get; } = new();

        /// <summary>The last sequence number fetched.</summary>
        public long Frontier { get; private set; }

        public bool Done { get; private set; }

        public void Take(List<Row> rows)
        {
            foreach (var row in rows)
            {
                Rows.Enqueue(row);
            }

            if (rows.Count > 0)
            {
                Frontier = rows[^1].Sequence;
            }

            Done = rows.Count < fetchSize;
        }
    }

    private static async Task<List<Row>> FetchRows(Cursor cursor, NpgsqlConnection connection, NpgsqlTransaction transaction, ISerializer serializer,
        List<Row> rows, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(cursor.Fetch, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellation);
        return await Read(cursor, reader, serializer, rows, cancellation);
    }

    private static async Task<List<Row>> Read(Cursor cursor, NpgsqlDataReader reader, ISerializer serializer, List<Row> rows, CancellationToken cancellation)
    {
        while (await reader.ReadAsync(cancellation))
        {
            var sequence = reader.GetInt64(0);
            var streamId = reader.GetGuid(1);
            var version = reader.GetInt64(2);
            if (cursor.Review)
            {
                var data = new ReviewEventFields(reader.GetGuid(3), reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetBoolean(6),
                        reader.IsDBNull(7) ? null : (IReadOnlyList<ScreeningFinding>)await serializer.FromJsonAsync(typeof(List<ScreeningFinding>), reader, 7, cancellation))
                    .Rebuild(cursor.ClrType, streamId);
                rows.Add(new Row(sequence, streamId, version, null, data));
            }
            else
            {
                var e = ReadRef(reader, 3, streamId, version, sequence, cursor.Type);
                rows.Add(new Row(sequence, streamId, version, e, await serializer.FromJsonAsync(cursor.ClrType, reader, 7, cancellation)));
            }
        }

        return rows;
    }

    /// <summary>Time, user and conversation from <paramref name="first"/> on (the columns of <see cref="Metadata"/>).</summary>
    private static EventRef ReadRef(NpgsqlDataReader reader, int first, Guid streamId, long version, long sequence, string type) =>
        new(streamId, version, sequence, type, reader.GetFieldValue<DateTimeOffset>(first),
            reader.IsDBNull(first + 1) ? null : reader.GetString(first + 1), reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2),
            reader.IsDBNull(first + 3) ? null : reader.GetString(first + 3));

    /// <summary>
    /// The review events behind these clinics' reviews, as an auditor cites them, read by their sequence numbers (the fold kept
    /// only those) and put in their place among each clinic's parts. Clinics the log does not hold, or without reviews, are left.
    /// </summary>
    public async Task CiteReviews(ReplayedLog log, IEnumerable<Guid> clinicIds, CancellationToken cancellation)
    {
        var clinics = clinicIds.Distinct().Select(x => log.Clinics.GetValueOrDefault(x)).OfType<ReplayedClinic>()
            .Where(x => x.ReviewsBehind.Count > 0 && !x.EventsBehind.ContainsKey(nameof(RankingFactor.PatientReviews)))
            .ToList();
        if (clinics.Count == 0)
        {
            return;
        }

        var refs = new Dictionary<long, EventRef>();
        await using (var connection = store.Storage.Database.CreateConnection())
        {
            await connection.OpenAsync(cancellation);
            await using var command = new NpgsqlCommand($"""
                select seq_id, stream_id, version, type, {Metadata}
                from {store.Options.Events.DatabaseSchemaName}.mt_events
                where seq_id = any($1)
                """, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = clinics.SelectMany(x => x.ReviewsBehind).ToArray() });
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                var sequence = reader.GetInt64(0);
                refs[sequence] = ReadRef(reader, 4, reader.GetGuid(1), reader.GetInt64(2), sequence, reader.GetString(3));
            }
        }

        foreach (var clinic in clinics)
        {
            clinic.CiteReviews(clinic.ReviewsBehind.Select(x => refs.TryGetValue(x, out var e)
                ? e
                : throw new InvalidOperationException($"The review event {x} the replay folded is no longer in the log.")).ToList());
        }
    }

    private static void Apply(ReplayedLog log, Row row)
    {
        var data = row.Data;
        switch (data)
        {
            case IReviewEvent review:
                var current = log.Reviews.GetValueOrDefault(row.StreamId);
                if (current is null && Started(data) is { } started)
                {
                    started.Version = row.Version;
                    log.Reviews[row.StreamId] = started;
                }
                else
                {
                    log.Reviews[row.StreamId] = EventFolder<Review>.Evolve(current, data, row.Version)!;
                }

                Clinic(log, review.ClinicId).CiteReview(row.Sequence);
                return;
            case RegulatorRecorded or RegulatorRemoved:
                log.Regulators = EventFolder<RegulatorDirectory>.Evolve(log.Regulators, data, row.Version)!;
                return;
        }

        var e = row.Event!;
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

    /// <summary>
    /// A review started by its first event with <see cref="Review"/>'s own <c>Create</c>, without the text's fingerprint: the
    /// ranking does not read it, and the event rebuilt from its fields has no text (its one-argument <c>Create</c>, which
    /// <see cref="EventFolder{T}"/> calls, would hash the empty text of every review).
    /// </summary>
    private static Review? Started(object data) => data switch
    {
        ReviewSubmitted submitted => Review.Create(submitted, textFingerprint: null),
        ReviewSubmittedAndScreened screened => Review.Create(screened, textFingerprint: null),
        _ => null,
    };

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
