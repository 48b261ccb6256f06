using System.Data.Common;
using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using DbCommandBuilder = Weasel.Core.DbCommandBuilder;

namespace ClinicVetting.Reviews;

/// <summary>
/// The order the fairness report lists its clinics in, so PostgreSQL sorts and pages them as this process always did
/// (<c>OrderBy(x =&gt; x.Name ?? "").ThenBy(x =&gt; x.Id)</c>): .NET compares strings with the current culture, the invariant
/// culture here (no culture is set; <c>C.UTF-8</c> and an unset <c>LANG</c> both give it), which is ICU's root collation at
/// tertiary strength with no tailoring. This collation is the same ICU root collation, nondeterministic so that names ICU
/// finds equal (a soft hyphen, a zero-width space, <c>é</c> composed or not) stay equal and are ordered by id, as in .NET,
/// instead of by their bytes. The database's own collation (<c>C.UTF-8</c> locally: by code point) would put "Zeta"
/// before "alpha". Part of <see cref="ReviewFairnessSchema"/>, so <c>db-apply</c> and the installer create it.
/// </summary>
public sealed class ClinicNameOrder(string schema) : ISchemaObject
{
    public const string Name = "clinic_name_order";

    public DbObjectName Identifier { get; } = new PostgresqlObjectName(schema, Name, SchemaUtils.IdentifierUsage.General);

    /// <summary>To write after a text expression: <c>order by coalesce(p.name, '') collate ...</c>.</summary>
    public string Qualified => $"{schema}.{Name}";

    public void WriteCreateStatement(Migrator migrator, TextWriter writer) =>
        writer.WriteLine($"CREATE COLLATION IF NOT EXISTS {Qualified} (provider = icu, locale = 'und', deterministic = false);");

    public void WriteDropStatement(Migrator rules, TextWriter writer) =>
        writer.WriteLine($"DROP COLLATION IF EXISTS {Qualified};");

    public void ConfigureQueryCommand(DbCommandBuilder builder)
    {
        var schemaName = builder.AddParameter(schema).ParameterName;
        var name = builder.AddParameter(Name).ParameterName;
        builder.Append($"""
            select c.collprovider::text, coalesce(to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'colliculocale'), c.collisdeterministic
            from pg_collation c join pg_namespace n on n.oid = c.collnamespace
            where n.nspname = :{schemaName} and c.collname = :{name};
            """);
    }

    /// <summary>Made again if it is missing or is some other collation under the same name.</summary>
    public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
    {
        if (!await reader.ReadAsync(ct))
        {
            return new SchemaObjectDelta(this, SchemaPatchDifference.Create);
        }

        var provider = reader.GetString(0);
        var locale = await reader.IsDBNullAsync(1, ct) ? "" : reader.GetString(1);
        var deterministic = reader.GetBoolean(2);
        return new SchemaObjectDelta(this, provider == "i" && (locale is "und" or "root") && !deterministic
            ? SchemaPatchDifference.None
            : SchemaPatchDifference.Update);
    }

    public IEnumerable<DbObjectName> AllNames()
    {
        yield return Identifier;
    }
}

/// <summary>What the fairness report needs beside its documents: <see cref="ClinicNameOrder"/>.</summary>
public sealed class ReviewFairnessSchema(StoreOptions options) : FeatureSchemaBase("ReviewFairness", options.Advanced.Migrator)
{
    public ClinicNameOrder NameOrder { get; } = new(options.DatabaseSchemaName);

    protected override IEnumerable<ISchemaObject> schemaObjects()
    {
        yield return NameOrder;
    }
}
