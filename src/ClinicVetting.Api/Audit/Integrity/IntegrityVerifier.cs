using System.Data;
using JasperFx.Events;
using Npgsql;

namespace ClinicVetting.Audit.Integrity;

/// <summary>
/// Recomputes the hash chain and the seals from the events themselves and reports every broken link: an edited field,
/// a deleted, moved or swapped event, an event written past the trigger, a forged or rewritten seal, a log cut back
/// behind an exported seal. Reads one consistent snapshot, in batches of sequence numbers, reporting progress.
/// <see cref="Verify"/> answers from the unsealed tail: each sealed range is read once, its verdict kept as a
/// <see cref="SealVerdict"/>; <see cref="VerifyEverything"/> reads the whole log again and renews every verdict.
/// </summary>
public sealed class IntegrityVerifier(IDocumentStore store, SealKey key, TimeProvider clock, DocumentCheck documents)
{
    public const string ScopeTail = "unsealed tail";
    public const string ScopeEverything = "everything";
    private const int SequenceNumbersPerBatch = 10_000;

    private string Schema => store.Options.Events.DatabaseSchemaName;
    private string Events => $"{Schema}.mt_events";
    private string Hashes => $"{Schema}.{HashChainSchema.HashTable}";

    /// <summary>
    /// The chain after the last seal, the seals' own chain and signatures, and every sealed range without a verdict
    /// that holds (verified now and its verdict kept); other sealed ranges are answered from their stored verdicts,
    /// broken ones included, with the oldest verdict's date. Costs the tail and the new seals, not the history.
    /// </summary>
    public async Task<IntegrityReport> Verify(ExportedSeal? exported, CancellationToken cancellation)
    {
        var verdicts = await StoredVerdicts(cancellation);
        var snapshotAt = clock.GetUtcNow();
        await using var pass = await Pass.Open(store, cancellation);
        var problems = new ProblemLog();
        if (await TriggerProblem(pass, cancellation) is { } unprotected)
        {
            problems.Add(unprotected);
        }

        var seals = await Seals(pass, cancellation);
        problems.AddRange(SealChecks.Chain(seals, key));

        var lastSeal = seals.Count > 0 ? seals[^1] : null;
        var sealedUpto = lastSeal?.UptoSeq ?? 0;
        var held = new List<SealVerdict>();
        var unverified = new List<AuditSeal>();
        foreach (var seal in SealDigestCheck.NonOverlapping(seals))
        {
            if (verdicts.TryGetValue(seal.SealNo, out var verdict) && verdict.HoldsFor(seal, key))
            {
                held.Add(verdict);
                problems.AddVerdict(verdict);
            }
            else
            {
                unverified.Add(seal);
            }
        }

        var attribution = new SealAttribution(unverified);
        problems.Observer = attribution.Attribute;
        var checkedNow = 0L;
        foreach (var run in Contiguous(unverified))
        {
            var range = await CheckRange(pass, run[0].FromSeq - 1, run[^1].UptoSeq, run, sealedUpto, attribution, problems, null, cancellation);
            checkedNow += range.Checked;
        }

        var tail = await CheckRange(pass, sealedUpto, upto: null, [], sealedUpto, attribution, problems, null, cancellation);
        problems.Observer = null;
        var lastSeq = await LastSequence(pass, cancellation);
        if (exported is not null && SealChecks.Exported(exported, seals, lastSeq) is { } truncated)
        {
            problems.Add(truncated);
        }

        var streamsChecked = await CheckStreams(pass, sealedUpto, problems, cancellation);
        await pass.DisposeAsync();
        await Keep(attribution.Verdicts(snapshotAt, "answer", key), cancellation);
        var documentsChecked = await documents.Run(problems, sealedUpto, everything: false, "answer", snapshotAt, cancellation);

        var listed = problems.InLogOrder();
        return new IntegrityReport(problems.Count == 0, checkedNow + tail.Checked, streamsChecked, seals.Count, Summary(lastSeal), tail.Checked,
            listed.FirstOrDefault(), problems.Count, listed, documentsChecked.Stored)
        {
            DocumentsHashedNow = documentsChecked.HashedNow,
            DocumentsFromStoredVerdicts = documentsChecked.FromVerdicts,
            Scope = ScopeTail,
            SealsVerifiedNow = unverified.Count,
            SealsFromStoredVerdicts = held.Count,
            OldestStoredVerdictAt = held.Count > 0 ? held.Min(x => x.VerifiedAt) : null,
        };
    }

    /// <summary>
    /// Everything again, as one snapshot: every event, every seal's digest, every stream; each seal's verdict is renewed
    /// with what this pass found in its range. <paramref name="verifiedBy"/> names the pass in the verdicts.
    /// </summary>
    public async Task<IntegrityReport> VerifyEverything(string verifiedBy, ExportedSeal? exported, Action<IntegrityProgress>? progress,
        CancellationToken cancellation)
    {
        var snapshotAt = clock.GetUtcNow();
        await using var pass = await Pass.Open(store, cancellation);
        var problems = new ProblemLog();
        if (await TriggerProblem(pass, cancellation) is { } unprotected)
        {
            problems.Add(unprotected);
        }

        var seals = await Seals(pass, cancellation);
        problems.AddRange(SealChecks.Chain(seals, key));

        var lastSeal = seals.Count > 0 ? seals[^1] : null;
        var sealedUpto = lastSeal?.UptoSeq ?? 0;
        var attribution = new SealAttribution(SealDigestCheck.NonOverlapping(seals).ToList());
        problems.Observer = attribution.Attribute;
        long total;
        await using (var count = pass.Command($"select count(*) from {Events}"))
        {
            total = (long)(await count.ExecuteScalarAsync(cancellation))!;
        }

        var events = await CheckRange(pass, long.MinValue, upto: null, seals, sealedUpto, attribution, problems,
            progress is null ? null : done => progress(new IntegrityProgress(done, total)), cancellation);
        problems.Observer = null;
        if (exported is not null && SealChecks.Exported(exported, seals, await LastSequence(pass, cancellation)) is { } truncated)
        {
            problems.Add(truncated);
        }

        var streamsChecked = await CheckStreams(pass, sealedUpto: 0, problems, cancellation);
        await pass.DisposeAsync();
        await Keep(attribution.Verdicts(snapshotAt, verifiedBy, key), cancellation);
        var documentsChecked = await documents.Run(problems, sealedUpto, everything: true, verifiedBy, snapshotAt, cancellation);

        var listed = problems.InLogOrder();
        return new IntegrityReport(problems.Count == 0, events.Checked, streamsChecked, seals.Count, Summary(lastSeal), events.Unsealed,
            listed.FirstOrDefault(), problems.Count, listed, documentsChecked.Stored)
        {
            DocumentsHashedNow = documentsChecked.HashedNow,
            Scope = ScopeEverything,
            SealsVerifiedNow = attribution.Seals,
        };
    }

    private static SealSummary? Summary(AuditSeal? seal) =>
        seal is null ? null : new SealSummary(seal.SealNo, seal.UptoSeq, seal.Digest, seal.SealedAt);

    /// <summary>Runs of seals that follow each other without a gap, each read as one range.</summary>
    private static IEnumerable<List<AuditSeal>> Contiguous(IReadOnlyList<AuditSeal> seals)
    {
        var run = new List<AuditSeal>();
        foreach (var seal in seals)
        {
            if (run.Count > 0 && seal.FromSeq != run[^1].UptoSeq + 1)
            {
                yield return run;
                run = [];
            }

            run.Add(seal);
        }

        if (run.Count > 0)
        {
            yield return run;
        }
    }

    private async Task<Dictionary<long, SealVerdict>> StoredVerdicts(CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        return (await session.Query<SealVerdict>().ToListAsync(cancellation)).ToDictionary(x => x.Id);
    }

    private async Task Keep(IReadOnlyList<SealVerdict> verdicts, CancellationToken cancellation)
    {
        if (verdicts.Count == 0)
        {
            return;
        }

        await using var session = store.LightweightSession();
        // A verdict read from a later snapshot (a re-verification that ran meanwhile) is not replaced by an older one.
        var later = (await session.LoadManyAsync<SealVerdict>(cancellation, verdicts.Select(x => x.Id)))
            .Where(x => x is not null).ToDictionary(x => x.Id, x => x.VerifiedAt);
        var newer = verdicts.Where(x => !later.TryGetValue(x.Id, out var at) || at <= x.VerifiedAt).ToArray();
        if (newer.Length == 0)
        {
            return;
        }

        session.Store(newer);
        await session.SaveChangesAsync(cancellation);
    }

    private async Task<BrokenLink?> TriggerProblem(Pass pass, CancellationToken cancellation)
    {
        await using var command = pass.Command("select t.tgenabled::text from pg_trigger t where t.tgrelid = to_regclass(@events) and t.tgname = @name");
        command.Parameters.AddWithValue("events", Events);
        command.Parameters.AddWithValue("name", HashChainTrigger.TriggerName);
        var enabled = (string?)await command.ExecuteScalarAsync(cancellation);
        return enabled is "A" or "O"
            ? null
            : new BrokenLink(Breaks.Unprotected, enabled is null
                ? $"The trigger {HashChainTrigger.TriggerName} on {Events} is gone: new events are not chained. Run db-apply (or restart in development) to restore it."
                : $"The trigger {HashChainTrigger.TriggerName} on {Events} is disabled: new events are not chained. Run db-apply (or restart in development) to enable it.");
    }

    private async Task<IReadOnlyList<AuditSeal>> Seals(Pass pass, CancellationToken cancellation)
    {
        await using var command = pass.Command($"select {AuditSealer.SealColumns} from {Schema}.{HashChainSchema.SealTable} order by seal_no");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var seals = new List<AuditSeal>();
        while (await reader.ReadAsync(cancellation))
        {
            seals.Add(AuditSealer.ReadSeal(reader));
        }

        return seals;
    }

    private async Task<long> LastSequence(Pass pass, CancellationToken cancellation)
    {
        await using var command = pass.Command($"select coalesce(max(seq_id), 0) from {Events}");
        return (long)(await command.ExecuteScalarAsync(cancellation))!;
    }

    /// <summary>
    /// Every sequence number after <paramref name="after"/> up to <paramref name="upto"/> (or the end) as the event table and
    /// the hash table hold it, the digests of <paramref name="seals"/> recomputed on the way.
    /// </summary>
    private async Task<(long Checked, long Unsealed)> CheckRange(Pass pass, long after, long? upto, IReadOnlyList<AuditSeal> seals, long sealedUpto,
        SealAttribution attribution, ProblemLog problems, Action<long>? progress, CancellationToken cancellation)
    {
        var sealDigests = new SealDigestCheck(seals, problems);
        long checkedSoFar = 0, unsealed = 0;
        var start = await NextSequence(pass, after, cancellation);
        while (start is { } first && first <= (upto ?? long.MaxValue))
        {
            var last = Math.Min(first + SequenceNumbersPerBatch - 1, upto ?? long.MaxValue);
            await using (var batch = pass.Command(BatchSql))
            {
                batch.Parameters.AddWithValue("from", first);
                batch.Parameters.AddWithValue("upto", last);
                await using var reader = await batch.ExecuteReaderAsync(cancellation);
                while (await reader.ReadAsync(cancellation))
                {
                    var row = ChainRow.Read(reader);
                    if (row.HasEvent)
                    {
                        checkedSoFar++;
                        unsealed += row.Seq > sealedUpto ? 1 : 0;
                        attribution.CountEvent(row.Seq);
                    }

                    sealDigests.Observe(row.Seq, row.EventHash);
                    if (row.Problem() is { } problem)
                    {
                        problems.Add(problem);
                    }
                }
            }

            progress?.Invoke(checkedSoFar);
            start = await NextSequence(pass, last, cancellation);
        }

        sealDigests.Complete();
        return (checkedSoFar, unsealed);
    }

    /// <summary>
    /// Events and their recorded hashes side by side, each event's hash recomputed, its predecessor's hash, and whether it
    /// is one of Marten's placeholders in a stream of placeholders (<see cref="PlaceholderShape"/>).
    /// </summary>
    private string BatchSql => $"""
        select coalesce(e.seq_id, h.seq_id), e.seq_id is not null, h.seq_id is not null,
               e.stream_id, e.version, h.stream_id, h.version, h.event_hash, h.prev_hash,
               case when e.seq_id is not null and h.seq_id is not null then {EventHashSql.Of("e", "h.prev_hash")} = h.event_hash end,
               p.seq_id is not null, p.event_hash,
               coalesce({PlaceholderShape("e")} and s.version = 0, false)
        from (select * from {Events} where seq_id between @from and @upto) e
        full join (select * from {Hashes} where seq_id between @from and @upto) h on h.seq_id = e.seq_id
        left join {Hashes} p on p.stream_id = h.stream_id and p.version = h.version - 1
        left join {Schema}.mt_streams s on s.id = e.stream_id
        order by 1
        """;

    /// <summary>
    /// The row Marten writes in place of an event whose transaction failed after its sequence number was taken
    /// (<see cref="Tombstone"/>): type <c>tombstone</c>, empty data, no metadata, numbered in its stream by its sequence
    /// number. The stream is a random id per process, so the shape, not the id, says what it is; the stream Marten
    /// registers for them stays at version 0, which no stream of real events is.
    /// </summary>
    private static string PlaceholderShape(string e) => $$"""
        ({{e}}.type = '{{Tombstone.Name}}' and {{e}}.data = '{}'::jsonb and {{e}}.version = {{e}}.seq_id
         and {{e}}.user_name is null and {{e}}.correlation_id is null and {{e}}.causation_id is null and {{e}}.headers is null)
        """;

    private async Task<long?> NextSequence(Pass pass, long after, CancellationToken cancellation)
    {
        await using var command = pass.Command($"""
            select least((select min(seq_id) from {Events} where seq_id > @after), (select min(seq_id) from {Hashes} where seq_id > @after))
            """);
        command.Parameters.AddWithValue("after", after);
        return await command.ExecuteScalarAsync(cancellation) is long next ? next : null;
    }

    /// <summary>
    /// A stream's recorded version is that of its last real event: beyond it, the stream lost its newest events (a
    /// placeholder never stands in for one); behind it, the version was rewound. Placeholder streams stay at version 0.
    /// After a seal, only the streams appended to since (an event or hash in the tail, or Marten's stream timestamp from
    /// a minute before the last sealed event on: an append's timestamp is its transaction's start, a little before its
    /// sequence number) are checked; the sealed ranges' own events are the seals' business.
    /// The touched streams are one union, each arm by its index (the stream timestamp's by <see cref="StreamTimestampIndex"/>,
    /// its bound read first so PostgreSQL plans with the value; an <c>or</c> of the arms was a sequential scan of every
    /// stream, issue 17). Each touched stream's last real version is one backward step of the (stream, version) index: a
    /// grouped read of their events measured 2.5 to 4 times slower for 343,000 streams of the 5M-event log
    /// (docs/performance.md, "Tried and left out").
    /// </summary>
    private async Task<long> CheckStreams(Pass pass, long sealedUpto, ProblemLog problems, CancellationToken cancellation)
    {
        var since = sealedUpto == 0 ? null : await StreamsAppendedSince(pass, sealedUpto, cancellation);
        var touched = sealedUpto == 0 ? "" : $"""
            where s.id in (select stream_id from {Events} where seq_id > @sealed
                           union select stream_id from {Hashes} where seq_id > @sealed
                           {(since is null ? "" : $"union select id from {Schema}.mt_streams where \"timestamp\" >= @since")})
            """;
        await using var command = pass.Command($"""
            select s.id, s.version,
                   (select e.version from {Events} e where e.stream_id = s.id and not {PlaceholderShape("e")} order by e.version desc limit 1)
            from {Schema}.mt_streams s
            {touched}
            """);
        command.Parameters.AddWithValue("sealed", sealedUpto);
        if (since is { } bound)
        {
            command.Parameters.AddWithValue("since", bound);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var streams = 0L;
        while (await reader.ReadAsync(cancellation))
        {
            streams++;
            var id = reader.GetGuid(0);
            var recorded = reader.IsDBNull(1) ? 0 : reader.GetInt64(1);
            var last = reader.IsDBNull(2) ? 0 : reader.GetInt64(2);
            if (recorded > last)
            {
                problems.Add(new BrokenLink(Breaks.Missing,
                    $"Stream {id} is at version {recorded} but its events end at version {last}: its newest events were removed.",
                    StreamId: id, Version: last + 1));
            }
            else if (recorded < last)
            {
                problems.Add(new BrokenLink(Breaks.Edited,
                    $"Stream {id} is recorded at version {recorded} but its events go up to version {last}: its recorded version was rewound.",
                    StreamId: id, Version: recorded));
            }
        }

        return streams;
    }

    /// <summary>A minute before the last sealed event's timestamp (null if the sealed range has no event left).</summary>
    private async Task<DateTime?> StreamsAppendedSince(Pass pass, long sealedUpto, CancellationToken cancellation)
    {
        await using var command = pass.Command(
            $"select e.timestamp - interval '1 minute' from {Events} e where e.seq_id <= @sealed order by e.seq_id desc limit 1");
        command.Parameters.AddWithValue("sealed", sealedUpto);
        return await command.ExecuteScalarAsync(cancellation) is DateTime since ? since : null;
    }

    /// <summary>One read-only snapshot of the database for a whole check: appends made meanwhile are neither half seen nor reported.</summary>
    private sealed class Pass : IAsyncDisposable
    {
        private NpgsqlConnection? _connection;
        private NpgsqlTransaction? _transaction;

        public static async Task<Pass> Open(IDocumentStore store, CancellationToken cancellation)
        {
            var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(cancellation);
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellation);
            var pass = new Pass { _connection = connection, _transaction = transaction };
            await using (var readOnly = pass.Command("set transaction read only"))
            {
                await readOnly.ExecuteNonQueryAsync(cancellation);
            }

            return pass;
        }

        public NpgsqlCommand Command(string sql) => new(sql, _connection, _transaction);

        public async ValueTask DisposeAsync()
        {
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync();
                _transaction = null;
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync();
                _connection = null;
            }
        }
    }

    /// <summary>One sequence number as the event table and the hash table hold it.</summary>
    private sealed record ChainRow(
        long Seq,
        bool HasEvent,
        bool HasHash,
        Guid? EventStream,
        long? EventVersion,
        Guid? HashStream,
        long? HashVersion,
        string? EventHash,
        string? PreviousHash,
        bool? HashMatches,
        bool PredecessorHashed,
        string? PredecessorHash,
        bool IsPlaceholder)
    {
        public static ChainRow Read(NpgsqlDataReader reader) => new(
            reader.GetInt64(0), reader.GetBoolean(1), reader.GetBoolean(2),
            reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetInt64(4),
            reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.IsDBNull(6) ? null : reader.GetInt64(6),
            reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetBoolean(9),
            reader.GetBoolean(10), reader.IsDBNull(11) ? null : reader.GetString(11), reader.GetBoolean(12));

        /// <summary>The first thing wrong with this sequence number, if anything.</summary>
        public BrokenLink? Problem()
        {
            if (!HasHash)
            {
                return new BrokenLink(Breaks.Unhashed,
                    $"The event at sequence {Seq} (version {EventVersion} of stream {EventStream}) has no recorded hash: it was written past the trigger.", Seq, EventStream, EventVersion);
            }

            if (!HasEvent)
            {
                return new BrokenLink(Breaks.Missing,
                    $"The event recorded at sequence {Seq} (version {HashVersion} of stream {HashStream}) is gone.", Seq, HashStream, HashVersion);
            }

            if (EventStream != HashStream || EventVersion != HashVersion)
            {
                return new BrokenLink(Breaks.OutOfOrder,
                    $"Sequence {Seq} holds version {EventVersion} of stream {EventStream}, but the chain recorded version {HashVersion} of stream {HashStream} there.",
                    Seq, EventStream, EventVersion);
            }

            if (HashMatches != true)
            {
                return new BrokenLink(Breaks.Edited,
                    $"The event at sequence {Seq} (version {EventVersion} of stream {EventStream}) no longer matches its recorded hash: a hashed field was changed.", Seq, EventStream, EventVersion);
            }

            // Placeholders are numbered by sequence number, so the trigger mostly finds no predecessor to chain them to. Only
            // that link is excused: the hash above still holds, and an event a placeholder replaced leaves its own gap.
            if (IsPlaceholder && PreviousHash is null)
            {
                return null;
            }

            if (EventVersion == 1)
            {
                return PreviousHash == ""
                    ? null
                    : new BrokenLink(Breaks.OutOfOrder, $"The event at sequence {Seq} is version 1 of its stream but links to a predecessor.",
                        Seq, EventStream, EventVersion);
            }

            if (!PredecessorHashed)
            {
                return new BrokenLink(Breaks.Missing,
                    $"Version {EventVersion - 1} of stream {EventStream}, before sequence {Seq}, is gone with its hash.", Seq, EventStream, EventVersion - 1);
            }

            return PreviousHash == PredecessorHash
                ? null
                : new BrokenLink(Breaks.OutOfOrder,
                    $"The event at sequence {Seq} does not link to version {EventVersion - 1} of its stream: the stream's history before it was rewritten.",
                    Seq, EventStream, EventVersion);
        }
    }
}
