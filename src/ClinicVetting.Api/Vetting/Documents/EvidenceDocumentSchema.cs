using JasperFx.Events;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ClinicVetting.Vetting.Documents;

/// <summary>
/// Evidence documents beside Marten's tables, part of its schema (db-apply, db-assert and db-patch see them): one row per
/// distinct content, named by its SHA-256, and its bytes in chunks, so no file is ever held whole in memory.
/// </summary>
public sealed class EvidenceDocumentSchema : FeatureSchemaBase
{
    public const string DocumentTable = "evidence_documents";
    public const string ChunkTable = "evidence_document_chunks";

    private readonly string _schema;

    public EvidenceDocumentSchema(StoreOptions options) : base("EvidenceDocuments", options.Advanced.Migrator)
    {
        _schema = options.Events.DatabaseSchemaName;
    }

    public override IEnumerable<Type> DependentTypes()
    {
        yield return typeof(IEvent);
    }

    protected override IEnumerable<ISchemaObject> schemaObjects()
    {
        var documents = new Table(new PostgresqlObjectName(_schema, DocumentTable, SchemaUtils.IdentifierUsage.General));
        documents.AddColumn<string>("sha256").AsPrimaryKey();
        documents.AddColumn<Guid>("blob_id").NotNull();
        documents.AddColumn<long>("size").NotNull();
        documents.AddColumn<DateTimeOffset>("stored_at").NotNull();
        yield return documents;

        var chunks = new Table(new PostgresqlObjectName(_schema, ChunkTable, SchemaUtils.IdentifierUsage.General));
        chunks.AddColumn<Guid>("blob_id").AsPrimaryKey();
        chunks.AddColumn<int>("chunk_no").AsPrimaryKey();
        chunks.AddColumn("data", "bytea").NotNull();
        yield return chunks;
    }
}

/// <summary>Creates the document tables on start where Marten creates its own (development, tests); with AutoCreate None, db-apply does it.</summary>
internal sealed class EvidenceDocumentSchemaInstaller(IDocumentStore store) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellation) =>
        await store.Storage.Database.EnsureStorageExistsAsync(typeof(EvidenceDocumentSchema), cancellation);

    public Task StopAsync(CancellationToken cancellation) => Task.CompletedTask;
}
