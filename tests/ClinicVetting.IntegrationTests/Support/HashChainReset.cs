using Alba;
using ClinicVetting.Audit.Integrity;
using ClinicVetting.Vetting.Documents;
using Marten;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>
/// Marten's reset empties the event tables and restarts their sequence, but knows nothing of the hash chain or the evidence documents beside them.
/// </summary>
public static class HashChainReset
{
    /// <summary>
    /// A late message of an earlier test (or the daemon) writing while the tables are emptied can deadlock with the
    /// truncates; PostgreSQL then cancels one side, and the reset starts again.
    /// </summary>
    public static async Task ResetAllDataWithTheHashChain(this IAlbaHost host, IDocumentStore store)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await Reset(host, store);
                return;
            }
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                await Task.Delay(100 * attempt);
            }
        }
    }

    private static async Task Reset(IAlbaHost host, IDocumentStore store)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        var events = $"{schema}.mt_events";
        var chain = $"{schema}.{HashChainSchema.SealTable}, {schema}.{HashChainSchema.HashTable}";

        // Evidence documents live beside Marten's tables too; each test starts with none.
        await Execute(store, $"truncate {schema}.{EvidenceDocumentSchema.DocumentTable}, {schema}.{EvidenceDocumentSchema.ChunkTable}");
        // Before: the reference data re-seeded by the reset takes sequence numbers the old hashes still hold.
        await Execute(store, $"truncate {chain}");
        await host.ResetAllMartenDataAsync();
        // After: whatever a late message of an earlier test appended in between, the chain starts from the events left,
        // appends held off meanwhile, and with the trigger on even if a test failed before turning it back on.
        await Execute(store, $"""
            lock table {events} in exclusive mode;
            alter table {events} enable always trigger {HashChainTrigger.TriggerName};
            truncate {chain};
            do $$
            declare
                e {events};
            begin
                for e in select * from {events} order by seq_id loop
                    perform {schema}.{HashChainTrigger.RecordFunction}(e);
                end loop;
            end $$;
            """);
    }

    private static async Task Execute(IDocumentStore store, string sql)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}
