using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using JasperFx.Events;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;
using DbCommandBuilder = Weasel.Core.DbCommandBuilder;

namespace ClinicVetting.Audit.Integrity;

/// <summary>
/// The hash chain's storage beside Marten's event tables, part of Marten's schema: <c>db-apply</c>, <c>db-assert</c> and
/// <c>db-patch</c> see it, and development and tests install it on start. Marten's own tables are never altered (its
/// migrations would drop what they do not know); the trigger only reads <c>mt_events</c>, and the one index this feature
/// adds to <c>mt_streams</c> (<see cref="StreamTimestampIndex"/>) is named to Marten as one to ignore.
/// </summary>
public sealed class HashChainSchema : FeatureSchemaBase
{
    public const string HashTable = "audit_event_hashes";
    public const string SealTable = "audit_seals";

    private readonly string _schema;

    public HashChainSchema(StoreOptions options) : base("AuditHashChain", options.Advanced.Migrator)
    {
        _schema = options.Events.DatabaseSchemaName;
    }

    public override IEnumerable<Type> DependentTypes()
    {
        yield return typeof(IEvent);
    }

    protected override IEnumerable<ISchemaObject> schemaObjects()
    {
        var hashes = new Table(new PostgresqlObjectName(_schema, HashTable, SchemaUtils.IdentifierUsage.General));
        hashes.AddColumn<long>("seq_id").AsPrimaryKey();
        hashes.AddColumn<Guid>("stream_id").NotNull();
        hashes.AddColumn<long>("version").NotNull();
        hashes.AddColumn<string>("prev_hash");
        hashes.AddColumn<string>("event_hash").NotNull();
        hashes.Indexes.Add(new IndexDefinition("ux_audit_event_hashes_stream_version")
        {
            Columns = ["stream_id", "version"],
            IsUnique = true,
        });
        yield return hashes;

        var seals = new Table(new PostgresqlObjectName(_schema, SealTable, SchemaUtils.IdentifierUsage.General));
        seals.AddColumn<long>("seal_no").AsPrimaryKey();
        seals.AddColumn<long>("from_seq").NotNull();
        seals.AddColumn<long>("upto_seq").NotNull();
        seals.AddColumn<long>("event_count").NotNull();
        seals.AddColumn<string>("previous_digest").NotNull();
        seals.AddColumn<string>("digest").NotNull();
        seals.AddColumn<DateTimeOffset>("sealed_at").NotNull();
        seals.AddColumn<string>("signature").NotNull();
        yield return seals;

        yield return new HashChainTrigger(_schema);
        yield return new StreamTimestampIndex(_schema);
    }
}

/// <summary>
/// How an event's hash is computed, in SQL, so that PostgreSQL writes it in the appending transaction and the verifier
/// recomputes it from the same text (never from a function an attacker could replace in the database).
/// </summary>
public static class EventHashSql
{
    /// <summary>
    /// Hex SHA-256 of the previous hash of the stream and every column of the event that carries meaning, each quoted
    /// (so NULL, '' and a '|' inside a value stay distinct). Not hashed: <c>is_archived</c> (Marten flips it when a stream
    /// is archived), <c>mt_dotnet_type</c> (a CLR name that refactoring renames; <c>type</c> is the stored identity), and
    /// <c>bdata</c> (no event is stored in binary here). The timestamp is rendered in UTC to the microsecond and jsonb
    /// in its canonical text, so no session setting changes the result.
    /// </summary>
    public static string Of(string e, string previousHash) => $"""
        encode(sha256(convert_to(concat_ws('|', 'v1', quote_nullable({previousHash}), quote_nullable({e}.seq_id), quote_nullable({e}.id),
            quote_nullable({e}.stream_id), quote_nullable({e}.version), quote_nullable({e}.type),
            quote_nullable(to_char({e}."timestamp" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')), quote_nullable({e}.tenant_id),
            quote_nullable({e}.user_name), quote_nullable({e}.correlation_id), quote_nullable({e}.causation_id),
            quote_nullable({e}.headers::text), quote_nullable({e}.data::text)), 'UTF8')), 'hex')
        """;
}

/// <summary>
/// The functions and the trigger that chain each event to its stream's previous one as it is inserted. Installed (or
/// re-enabled) whenever the database lacks this exact version of them, recognised by a fingerprint kept as the trigger's
/// comment. The first installation also hashes the events already in the log.
/// </summary>
public sealed class HashChainTrigger(string schema) : ISchemaObject
{
    public const string TriggerName = "audit_hash_event";
    public const string RecordFunction = "audit_record_event_hash";

    public DbObjectName Identifier { get; } = new PostgresqlObjectName(schema, TriggerName, SchemaUtils.IdentifierUsage.General);

    private string Events => $"{schema}.mt_events";
    private string Hashes => $"{schema}.{HashChainSchema.HashTable}";

    public void WriteCreateStatement(Migrator migrator, TextWriter writer)
    {
        var script = Script();
        writer.WriteLine(script);
        writer.WriteLine($"COMMENT ON TRIGGER {TriggerName} ON {Events} IS '{Fingerprint(script)}';");
    }

    public void WriteDropStatement(Migrator rules, TextWriter writer)
    {
        writer.WriteLine($"DROP TRIGGER IF EXISTS {TriggerName} ON {Events};");
        writer.WriteLine($"DROP FUNCTION IF EXISTS {schema}.{TriggerName}();");
        writer.WriteLine($"DROP FUNCTION IF EXISTS {schema}.{RecordFunction}({Events});");
    }

    public void ConfigureQueryCommand(DbCommandBuilder builder)
    {
        var events = builder.AddParameter(Events).ParameterName;
        var name = builder.AddParameter(TriggerName).ParameterName;
        builder.Append($"""
            select obj_description(t.oid, 'pg_trigger') from pg_trigger t
            where t.tgrelid = to_regclass(:{events}) and t.tgname = :{name} and t.tgenabled = 'A';
            """);
    }

    public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
    {
        if (!await reader.ReadAsync(ct))
        {
            return new SchemaObjectDelta(this, SchemaPatchDifference.Create);
        }

        var installed = await reader.IsDBNullAsync(0, ct) ? null : reader.GetString(0);
        return new SchemaObjectDelta(this, installed == Fingerprint(Script()) ? SchemaPatchDifference.None : SchemaPatchDifference.Update);
    }

    public IEnumerable<DbObjectName> AllNames()
    {
        yield return Identifier;
        yield return new PostgresqlObjectName(schema, RecordFunction, SchemaUtils.IdentifierUsage.Function);
    }

    /// <summary>
    /// The previous hash is that of version - 1 of the same stream ('' for version 1; NULL if it has none, which the
    /// verifier reports). ENABLE ALWAYS keeps the trigger firing under <c>session_replication_role = replica</c> too.
    /// Generic plans: PostgreSQL otherwise planned the function's two statements again for every event (0.33 ms, issue 17).
    /// Once per statement (issue 17): the rows of one INSERT or COPY are chained by one INSERT ... SELECT when no stream has
    /// two of them (an import batch, a single append); otherwise one by one in sequence order, each after its predecessor.
    /// </summary>
    private string Script() => $"""
        CREATE OR REPLACE FUNCTION {schema}.{RecordFunction}(e {Events})
        RETURNS void
        LANGUAGE plpgsql
        SET plan_cache_mode = force_generic_plan
        AS $function$
        DECLARE
            previous text;
        BEGIN
            IF e.version = 1 THEN
                previous := '';
            ELSE
                SELECT h.event_hash INTO previous FROM {Hashes} h WHERE h.stream_id = e.stream_id AND h.version = e.version - 1;
            END IF;
            INSERT INTO {Hashes} (seq_id, stream_id, version, prev_hash, event_hash)
            VALUES (e.seq_id, e.stream_id, e.version, previous, {EventHashSql.Of("e", "previous")});
        END;
        $function$;

        CREATE OR REPLACE FUNCTION {schema}.{TriggerName}()
        RETURNS trigger
        LANGUAGE plpgsql
        SET plan_cache_mode = force_generic_plan
        AS $function$
        DECLARE
            one {Events};
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM inserted GROUP BY stream_id HAVING count(*) > 1) THEN
                INSERT INTO {Hashes} (seq_id, stream_id, version, prev_hash, event_hash)
                SELECT e.seq_id, e.stream_id, e.version, p.previous, {EventHashSql.Of("e", "p.previous")}
                FROM inserted e
                CROSS JOIN LATERAL (SELECT CASE WHEN e.version = 1 THEN ''
                    ELSE (SELECT h.event_hash FROM {Hashes} h WHERE h.stream_id = e.stream_id AND h.version = e.version - 1) END AS previous) p;
            ELSE
                FOR one IN SELECT * FROM inserted ORDER BY seq_id LOOP
                    PERFORM {schema}.{RecordFunction}(one);
                END LOOP;
            END IF;
            RETURN NULL;
        END;
        $function$;

        DROP TRIGGER IF EXISTS {TriggerName} ON {Events};
        CREATE TRIGGER {TriggerName} AFTER INSERT ON {Events}
            REFERENCING NEW TABLE AS inserted
            FOR EACH STATEMENT EXECUTE FUNCTION {schema}.{TriggerName}();
        ALTER TABLE {Events} ENABLE ALWAYS TRIGGER {TriggerName};

        -- Events older than the chain get their hashes once, in the order they were appended. Never into a chain that
        -- already holds hashes: there, an event without one is evidence of a write behind the trigger's back.
        DO $backfill$
        DECLARE
            e {Events};
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM {Hashes}) THEN
                FOR e IN SELECT * FROM {Events} ORDER BY seq_id LOOP
                    PERFORM {schema}.{RecordFunction}(e);
                END LOOP;
            END IF;
        END;
        $backfill$;
        """;

    private static string Fingerprint(string script) =>
        "hash chain " + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(script)))[..16];
}
