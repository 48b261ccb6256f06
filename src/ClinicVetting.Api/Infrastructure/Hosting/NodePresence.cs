using Npgsql;

namespace ClinicVetting.Infrastructure.Hosting;

/// <summary>
/// This process's presence in PostgreSQL: an advisory lock held on a connection of its own for as long as the process
/// lives. PostgreSQL drops the lock the moment the process dies (its socket closes), so any node can tell whether the
/// node that started something is still there, without clocks, heartbeats or memory shared between processes.
/// </summary>
public sealed class NodePresence(IConfiguration configuration, ILogger<NodePresence> logger) : BackgroundService
{
    /// <summary>The first key of the two-key advisory locks that mark live nodes (the second is the node's number).</summary>
    internal const int LockClass = 0x1DE4_0C11;
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);

    private readonly string _lockConnection = new NpgsqlConnectionStringBuilder(AppOptions.ConnectionString(configuration))
    {
        // Outside the pool: a pooled connection would go back to the pool (and the lock with it) or be reset.
        Pooling = false,
        KeepAlive = 10,
        TcpKeepAlive = true,
    }.ConnectionString;

    private readonly string _queryConnection = AppOptions.ConnectionString(configuration);
    private volatile int _number;

    /// <summary>This node's number while its lock is held; null before (or while the lock's connection is lost).</summary>
    public int? Number => _number > 0 ? _number : null;

    /// <summary>Whether the node with this number still holds its lock, that is, still runs.</summary>
    public async Task<bool> IsAlive(int? node, CancellationToken cancellation)
    {
        if (node is not > 0) return false;
        if (node == _number) return true;

        await using var connection = new NpgsqlConnection(_queryConnection);
        await connection.OpenAsync(cancellation);
        await using var query = new NpgsqlCommand("""
            select exists (select 1 from pg_locks
                           where locktype = 'advisory' and granted and objsubid = 2
                             and database = (select oid from pg_database where datname = current_database())
                             and classid::bigint = @class and objid::bigint = @node)
            """, connection);
        query.Parameters.AddWithValue("class", (long)LockClass);
        query.Parameters.AddWithValue("node", (long)node.Value);
        return (bool)(await query.ExecuteScalarAsync(cancellation))!;
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        NpgsqlConnection? connection = null;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    connection ??= await Acquire(stopping);
                    await using (var ping = new NpgsqlCommand("select 1", connection))
                    {
                        await ping.ExecuteScalarAsync(stopping);
                    }
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    // Others now see this node as gone; anything it started may be taken over, which the receipts make safe.
                    logger.LogWarning(e, "Lost the node presence lock; taking it again");
                    _number = 0;
                    if (connection is not null) await connection.DisposeAsync();
                    connection = null;
                }

                await Task.Delay(CheckEvery, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            _number = 0;
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    private async Task<NpgsqlConnection> Acquire(CancellationToken stopping)
    {
        var connection = new NpgsqlConnection(_lockConnection);
        await connection.OpenAsync(stopping);
        while (true)
        {
            var candidate = Random.Shared.Next(1, int.MaxValue);
            await using var take = new NpgsqlCommand("select pg_try_advisory_lock(@class, @node)", connection);
            take.Parameters.AddWithValue("class", LockClass);
            take.Parameters.AddWithValue("node", candidate);
            if ((bool)(await take.ExecuteScalarAsync(stopping))!)
            {
                _number = candidate;
                logger.LogInformation("Node presence: number {Node}", candidate);
                return connection;
            }
        }
    }
}
