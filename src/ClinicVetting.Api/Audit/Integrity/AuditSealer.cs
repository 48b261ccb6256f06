using Npgsql;

namespace ClinicVetting.Audit.Integrity;

/// <summary>
/// Seals the event log: each seal covers the events appended since the previous one, signed with the seal key.
/// One node seals at a time (a PostgreSQL advisory lock); a range with no events writes no seal.
/// </summary>
public sealed class AuditSealer(IDocumentStore store, SealKey key, TimeProvider clock, ILogger<AuditSealer> logger)
{
    /// <summary>Any number of our own, the same on every node.</summary>
    private const long SealingLock = 0x5EA1_0F_C11;

    private string Schema => store.Options.Events.DatabaseSchemaName;

    /// <summary>
    /// The log's high-water sequence once every append in flight has committed: the SHARE lock waits for them, and is
    /// released at once. Nothing appended later can take a sequence number at or below it.
    /// </summary>
    public async Task<long> SettledPosition(CancellationToken cancellation)
    {
        await using var connection = await Open(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        await using (var lockEvents = new NpgsqlCommand($"lock table {Schema}.mt_events in share mode", connection, transaction))
        {
            await lockEvents.ExecuteNonQueryAsync(cancellation);
        }

        await using var highWater = new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {Schema}.mt_events", connection, transaction);
        var position = (long)(await highWater.ExecuteScalarAsync(cancellation))!;
        await transaction.CommitAsync(cancellation);
        return position;
    }

    /// <summary>Seals what is appended now, with no margin for late arrivals: for tests, which append nothing meanwhile.</summary>
    public async Task<AuditSeal?> SealNow(CancellationToken cancellation) => await SealUpTo(await SettledPosition(cancellation), cancellation);

    /// <summary>
    /// Seals the events after the latest seal up to <paramref name="position"/>. Answers null when there is nothing to
    /// seal or another node is sealing right now.
    /// </summary>
    public async Task<AuditSeal?> SealUpTo(long position, CancellationToken cancellation)
    {
        await using var connection = await Open(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        await using (var exclusive = new NpgsqlCommand("select pg_try_advisory_xact_lock(@lock)", connection, transaction))
        {
            exclusive.Parameters.AddWithValue("lock", SealingLock);
            if (!(bool)(await exclusive.ExecuteScalarAsync(cancellation))!)
            {
                return null;
            }
        }

        var latest = await Latest(connection, transaction, cancellation);
        var from = (latest?.UptoSeq ?? 0) + 1;
        if (position < from)
        {
            return null;
        }

        var previousDigest = latest?.Digest ?? AuditSeal.Genesis;
        using var digest = new SealDigest(previousDigest);
        await using (var hashes = new NpgsqlCommand(
                         $"select event_hash from {Schema}.{HashChainSchema.HashTable} where seq_id between @from and @upto order by seq_id",
                         connection, transaction))
        {
            hashes.Parameters.AddWithValue("from", from);
            hashes.Parameters.AddWithValue("upto", position);
            await using var reader = await hashes.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                digest.Add(reader.GetString(0));
            }
        }

        if (digest.EventCount == 0)
        {
            return null;
        }

        var unsigned = new AuditSeal((latest?.SealNo ?? 0) + 1, from, position, digest.EventCount, previousDigest, digest.Finish(),
            AuditSeal.ToStoredPrecision(clock.GetUtcNow()), Signature: "");
        var seal = unsigned with { Signature = key.Sign(unsigned.SignedPayload()) };
        await using (var insert = new NpgsqlCommand($"""
                         insert into {Schema}.{HashChainSchema.SealTable}
                             (seal_no, from_seq, upto_seq, event_count, previous_digest, digest, sealed_at, signature)
                         values (@no, @from, @upto, @count, @previous, @digest, @at, @signature)
                         """, connection, transaction))
        {
            insert.Parameters.AddWithValue("no", seal.SealNo);
            insert.Parameters.AddWithValue("from", seal.FromSeq);
            insert.Parameters.AddWithValue("upto", seal.UptoSeq);
            insert.Parameters.AddWithValue("count", seal.EventCount);
            insert.Parameters.AddWithValue("previous", seal.PreviousDigest);
            insert.Parameters.AddWithValue("digest", seal.Digest);
            insert.Parameters.AddWithValue("at", seal.SealedAt);
            insert.Parameters.AddWithValue("signature", seal.Signature);
            await insert.ExecuteNonQueryAsync(cancellation);
        }

        await transaction.CommitAsync(cancellation);
        logger.LogInformation("Sealed the event log: seal {SealNo} covers {EventCount} events, sequence {From} to {Upto}",
            seal.SealNo, seal.EventCount, seal.FromSeq, seal.UptoSeq);
        return seal;
    }

    /// <summary>The latest seal, the one to export; null before the first.</summary>
    public async Task<AuditSeal?> Latest(CancellationToken cancellation)
    {
        await using var connection = await Open(cancellation);
        return await Latest(connection, null, cancellation);
    }

    private async Task<AuditSeal?> Latest(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(
            $"select {SealColumns} from {Schema}.{HashChainSchema.SealTable} order by seal_no desc limit 1", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation) ? ReadSeal(reader) : null;
    }

    /// <summary>The seal table's columns in the order <see cref="ReadSeal"/> reads them (the verifier reads all seals).</summary>
    internal const string SealColumns = "seal_no, from_seq, upto_seq, event_count, previous_digest, digest, sealed_at, signature";

    internal static AuditSeal ReadSeal(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5),
        reader.GetFieldValue<DateTimeOffset>(6), reader.GetString(7));

    private async Task<NpgsqlConnection> Open(CancellationToken cancellation)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        return connection;
    }
}

/// <summary>Seals the log every <see cref="AuditOptions.SealEverySeconds"/> on every node; the advisory lock picks one.</summary>
public sealed class LogSealingService(AuditSealer sealer, IntegrityVerifier verifier, SealKey key, AuditOptions options,
    ILogger<LogSealingService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (options.SealEverySeconds <= 0)
        {
            logger.LogWarning("Sealing of the event log is off (Audit:SealEverySeconds is {Seconds})", options.SealEverySeconds);
            return;
        }

        logger.LogInformation("Sealing the event log every {Seconds} s with the key from {Source}", options.SealEverySeconds,
            key.Source == "configuration" ? key.Source : "the development key file");
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.SealEverySeconds));
        // One period behind what settled: an append that drew its sequence number just before the SHARE lock, or a
        // tombstone Marten writes afterwards for the sequence numbers of a failed transaction, lands before its range is sealed.
        var settled = 0L;
        do
        {
            try
            {
                if (await sealer.SealUpTo(settled, stopping) is not null)
                {
                    // Each sealed range is read once, now, and its verdict kept: the integrity answer then reads only the tail.
                    await VerifyNewSeals(stopping);
                }

                settled = await sealer.SettledPosition(stopping);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                logger.LogError(e, "Sealing the event log failed; trying again in {Seconds} s", options.SealEverySeconds);
            }
        } while (await timer.WaitForNextTickAsync(stopping));
    }

    private async Task VerifyNewSeals(CancellationToken stopping)
    {
        var report = await verifier.Verify(exported: null, stopping);
        if (!report.Valid)
        {
            logger.LogError("The event log is broken: {ProblemCount} problem(s), the first: {Problem}", report.ProblemCount, report.FirstBrokenLink?.Detail);
        }
    }
}
