using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using Weasel.Core;
using ClinicVetting.Infrastructure.Messaging;
using Wolverine.ErrorHandling;
using Wolverine.Marten;

namespace ClinicVetting.Infrastructure.Hosting;

/// <summary>
/// Marten (events and documents on PostgreSQL) and Wolverine (handlers, durable messaging), as every capability uses them.
/// The capabilities add their own streams, documents, projections and queues (builder.AddVetting() and the others).
/// </summary>
public static class CritterStack
{
    public static void AddCritterStack(this WebApplicationBuilder builder)
    {
        var app = AppOptions.From(builder.Configuration);
        var connectionString = AppOptions.ConnectionString(builder.Configuration);

        builder.Services.AddSingleton(ShiftedClock.For(builder));

        builder.Services.AddMarten(opts =>
            {
                opts.Connection(WireBuffers.For(PreparedStatements.For(connectionString)));
                opts.DatabaseSchemaName = app.SchemaName;
                opts.AutoCreateSchemaObjects = Enum.Parse<AutoCreate>(app.AutoCreateSchema, ignoreCase: true);
                opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);

                opts.Events.StreamIdentity = StreamIdentity.AsGuid;
                // Who, why and in which conversation, on every event: the auditors' raw material.
                opts.Events.MetadataConfig.EnableAll();
                opts.Events.MetadataConfig.UserNameEnabled = true;

                IdempotencyStore.Configure(opts);

                // HotCold: the node holding the daemon's advisory lock runs every async projection; PostgreSQL drops the
                // lock the moment that node's connection dies, and another node takes it within this polling time.
                opts.Projections.LeadershipPollingTime = (int)Cluster.LeadershipPolling.TotalMilliseconds;
                // A publication reaches the public feed within about half a second even when the log is quiet.
                opts.Projections.SlowPollingTime = opts.Projections.FastPollingTime;
                // mt_event_progression says, per shard, whether it runs, on which node, and why it stopped (docs/operations.md).
                opts.Events.EnableExtendedProgressionTracking = true;
            })
            .UseLightweightSessions()
            .AddAsyncDaemon(Enum.Parse<DaemonMode>(app.ProjectionDaemon, ignoreCase: true))
            .IntegrateWithWolverine(integration => integration.MessageStorageSchemaName = app.SchemaName);
        if (Enum.Parse<DaemonMode>(app.ProjectionDaemon, ignoreCase: true) != DaemonMode.Disabled)
        {
            builder.Services.AddHostedService<StoppedShardRecovery>();
        }

        builder.Host.UseWolverine(opts =>
        {
            opts.ServiceName = "clinicvetting";
            // Handlers and endpoints live here, whichever program hosts the application (tests, benchmarks).
            opts.ApplicationAssembly = typeof(CritterStack).Assembly;
            opts.CodeGeneration.TypeLoadMode = Enum.Parse<TypeLoadMode>(app.CodeGeneration, ignoreCase: true);

            Cluster.Configure(opts.Durability);

            // Without it, a handler's appends can be silently dropped.
            opts.Policies.AutoApplyTransactions();
            // Nothing lost: local queues, inbox and outbox all live in PostgreSQL.
            opts.Policies.UseDurableLocalQueues();
            opts.Policies.UseDurableInboxOnAllListeners();
            opts.Policies.UseDurableOutboxOnAllSendingEndpoints();

            // A lost race on a stream re-reads it and decides again; a stale If-Match still ends as a 409.
            opts.OnException<ConcurrencyException>()
                .RetryWithCooldown(TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(75), TimeSpan.FromMilliseconds(200));
            // A message that fails because PostgreSQL is away runs again once it is back; an HTTP request gets its 503 at once.
            DatabaseOutages.Configure(opts);

            // The authenticated user lands in Marten's user_name column of every event.
            opts.EnableRelayOfUserName = true;

            // A command sent under an Idempotency-Key commits its receipt with its events.
            IdempotencyReceipts.Configure(opts);
        });
    }
}

/// <summary>
/// Npgsql prepares the statements Marten repeats on every command (a stream's fetch, the append, the document upsert)
/// once per connection, so PostgreSQL stops parsing and planning them each time (issue 17: about 0.17 ms of planning per
/// evidence request in pg_stat_statements). A connection string that sets Max Auto Prepare itself is left as it is.
/// </summary>
public static class PreparedStatements
{
    public const int MaxAutoPrepare = 64;

    public static string For(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }
}

/// <summary>
/// Npgsql's 8 KiB socket buffers cut a large statement into 8 KiB sends and a large row into 8 KiB receives, each a system
/// call that on loopback also does the receiver's network work (issue 17: a vetting case's document, 10 KiB after a few
/// dozen evidence records, 142 KiB in P6, is read and upserted on every evidence record). A size set in the connection
/// string (anything but Npgsql's default) is kept.
/// </summary>
public static class WireBuffers
{
    public const int Size = 64 * 1024;

    private const int NpgsqlDefault = 8192;

    public static string For(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.WriteBufferSize == NpgsqlDefault)
        {
            builder.WriteBufferSize = Size;
        }

        if (builder.ReadBufferSize == NpgsqlDefault)
        {
            builder.ReadBufferSize = Size;
        }

        return builder.ConnectionString;
    }
}
