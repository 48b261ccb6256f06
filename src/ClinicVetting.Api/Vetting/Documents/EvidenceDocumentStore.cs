using System.Buffers;
using System.Data;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace ClinicVetting.Vetting.Documents;

/// <summary>Content as stored: named by the SHA-256 of its bytes, of the type its first bytes show.</summary>
public sealed record StoredContent(string Sha256, long Size, string ContentType);

/// <summary>
/// One stored content recomputed from its bytes: altered when they no longer hash to its name or size. The fingerprint is
/// that of its rows as they were read (<see cref="StoredContentState"/>).
/// </summary>
public sealed record StoredContentCheck(string Sha256, long RecordedSize, long ActualSize, string ActualSha256, string Fingerprint)
{
    public bool Altered => ActualSha256 != Sha256 || ActualSize != RecordedSize;
}

/// <summary>
/// One stored content as its rows stand, read without its bytes: its recorded size and a fingerprint of its blob, each
/// chunk's number and length and the row version PostgreSQL gave the chunk (xmin). Any write to a chunk (an update, a
/// delete and insert) makes a new row version, so a fingerprint that still matches the one taken when the bytes were
/// last hashed means the bytes were not written since; a mismatch only means "hash them again".
/// </summary>
public sealed record StoredContentState(string Sha256, long RecordedSize, string Fingerprint);

/// <summary>An upload refused for what it is (empty, not an accepted type, too large): a problem with this status.</summary>
public sealed class DocumentRefusal(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
}

/// <summary>
/// Where evidence documents live, content-addressed by SHA-256. PostgreSQL holds them here (one store, backed up with the
/// events), written in the transaction of the session that appends the event attaching them: a file whose event is refused
/// or never written is rolled back with it, so no orphan is left. An S3-compatible bucket would be another implementation of
/// this interface, registered in VettingModule, that uploads under a staging key and needs a sweep of keys no event names.
/// </summary>
[Published]
public interface IEvidenceDocumentStore
{
    /// <summary>
    /// Streams <paramref name="content"/> into the session's transaction (memory stays at one chunk, hashed while written), refusing
    /// empty, unknown or oversized content. Nothing is kept unless the session commits.
    /// </summary>
    Task<StoredContent> Store(IDocumentSession session, Stream content, long maxBytes, CancellationToken cancellation);

    /// <summary>Writes the stored bytes to <paramref name="destination"/>; false when nothing is stored under that hash.</summary>
    Task<bool> CopyTo(string sha256, Stream destination, CancellationToken cancellation);

    /// <summary>Every stored content, re-hashed from its bytes.</summary>
    IAsyncEnumerable<StoredContentCheck> CheckAll(CancellationToken cancellation);

    /// <summary>The stored contents named, re-hashed from their bytes (those not stored are left out).</summary>
    IAsyncEnumerable<StoredContentCheck> Check(IReadOnlyCollection<string> sha256s, CancellationToken cancellation);

    /// <summary>Every stored content's size and fingerprint, without reading a byte of content.</summary>
    IAsyncEnumerable<StoredContentState> States(CancellationToken cancellation);
}

public sealed class PostgresEvidenceDocumentStore(IDocumentStore store, TimeProvider clock) : IEvidenceDocumentStore
{
    public const int ChunkSize = 128 * 1024;

    private string Documents => $"{store.Options.Events.DatabaseSchemaName}.{EvidenceDocumentSchema.DocumentTable}";
    private string Chunks => $"{store.Options.Events.DatabaseSchemaName}.{EvidenceDocumentSchema.ChunkTable}";

    public async Task<StoredContent> Store(IDocumentSession session, Stream content, long maxBytes, CancellationToken cancellation)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var read = await Fill(content, buffer, cancellation);
            if (read == 0)
            {
                throw new DocumentRefusal(400, "The file is empty", "An evidence document needs content: the file sent has none.");
            }

            var contentType = DocumentType.Sniff(buffer.AsSpan(0, Math.Min(read, DocumentType.SniffLength)))
                              ?? throw new DocumentRefusal(415, "Not an accepted document type",
                                  "Evidence documents are PDF, PNG or JPEG files, told from their content; this file is none of them.");

            await session.BeginTransactionAsync(cancellation);
            var connection = session.Connection ?? throw new InvalidOperationException("The session holds no connection after beginning its transaction.");

            var blobId = Guid.CreateVersion7();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var insert = new NpgsqlCommand($"insert into {Chunks} (blob_id, chunk_no, data) values (@blob, @no, @data)", connection);
            insert.Parameters.Add(new NpgsqlParameter<Guid>("blob", blobId));
            var number = insert.Parameters.Add(new NpgsqlParameter<int>("no", 0));
            var data = insert.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>>("data", NpgsqlDbType.Bytea));

            long size = 0;
            var chunkNo = 0;
            while (read > 0)
            {
                size += read;
                if (size > maxBytes)
                {
                    throw new DocumentRefusal(413, "The file is too large", $"Evidence documents are at most {maxBytes} bytes.");
                }

                hash.AppendData(buffer, 0, read);
                ((NpgsqlParameter<int>)number).TypedValue = chunkNo++;
                ((NpgsqlParameter<ReadOnlyMemory<byte>>)data).TypedValue = buffer.AsMemory(0, read);
                await insert.ExecuteNonQueryAsync(cancellation);
                read = await Fill(content, buffer, cancellation);
            }

            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            await using (var keep = new NpgsqlCommand(
                             $"insert into {Documents} (sha256, blob_id, size, stored_at) values (@sha, @blob, @size, @at) on conflict (sha256) do nothing",
                             connection))
            {
                keep.Parameters.AddWithValue("sha", sha256);
                keep.Parameters.AddWithValue("blob", blobId);
                keep.Parameters.AddWithValue("size", size);
                keep.Parameters.AddWithValue("at", clock.GetUtcNow());
                if (await keep.ExecuteNonQueryAsync(cancellation) == 0)
                {
                    // The same content is already stored: keep the first copy only.
                    await using var drop = new NpgsqlCommand($"delete from {Chunks} where blob_id = @blob", connection);
                    drop.Parameters.AddWithValue("blob", blobId);
                    await drop.ExecuteNonQueryAsync(cancellation);
                }
            }

            return new StoredContent(sha256, size, contentType);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task<bool> CopyTo(string sha256, Stream destination, CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            $"select c.data from {Documents} d join {Chunks} c on c.blob_id = d.blob_id where d.sha256 = @sha order by c.chunk_no", connection);
        command.Parameters.AddWithValue("sha", sha256);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellation);
        var any = false;
        while (await reader.ReadAsync(cancellation))
        {
            any = true;
            await using var chunk = await reader.GetStreamAsync(0, cancellation);
            await chunk.CopyToAsync(destination, cancellation);
        }

        return any;
    }

    public IAsyncEnumerable<StoredContentCheck> CheckAll(CancellationToken cancellation) => Rehash(null, cancellation);

    public IAsyncEnumerable<StoredContentCheck> Check(IReadOnlyCollection<string> sha256s, CancellationToken cancellation) =>
        sha256s.Count == 0 ? AsyncEnumerable.Empty<StoredContentCheck>() : Rehash(sha256s.ToArray(), cancellation);

    public async IAsyncEnumerable<StoredContentState> States([EnumeratorCancellation] CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        // octet_length reads a chunk's length from its TOAST pointer: the bytes stay on disk.
        await using var command = new NpgsqlCommand(
            $"select d.sha256, d.size, d.blob_id, c.chunk_no, octet_length(c.data), c.xmin::text from {Documents} d left join {Chunks} c on c.blob_id = d.blob_id order by d.sha256, c.chunk_no",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var fingerprint = new Fingerprint();
        (string Sha256, long Size)? current = null;
        while (await reader.ReadAsync(cancellation))
        {
            var sha256 = reader.GetString(0);
            if (current is { } previous && previous.Sha256 != sha256)
            {
                yield return new StoredContentState(previous.Sha256, previous.Size, fingerprint.Complete());
            }

            if (current?.Sha256 != sha256)
            {
                fingerprint.Start(reader.GetGuid(2));
            }

            current = (sha256, reader.GetInt64(1));
            if (!reader.IsDBNull(3))
            {
                fingerprint.Add(reader.GetInt32(3), reader.GetInt32(4), reader.GetString(5));
            }
        }

        if (current is { } last)
        {
            yield return new StoredContentState(last.Sha256, last.Size, fingerprint.Complete());
        }
    }

    private async IAsyncEnumerable<StoredContentCheck> Rehash(string[]? only, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            $"""
            select d.sha256, d.size, d.blob_id, c.chunk_no, c.xmin::text, c.data from {Documents} d left join {Chunks} c on c.blob_id = d.blob_id
            {(only is null ? "" : "where d.sha256 = any(@only)")}
            order by d.sha256, c.chunk_no
            """, connection);
        if (only is not null)
        {
            command.Parameters.AddWithValue("only", only);
        }

        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellation);

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var fingerprint = new Fingerprint();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            (string Sha256, long Size)? current = null;
            long actualSize = 0;
            while (await reader.ReadAsync(cancellation))
            {
                var sha256 = reader.GetString(0);
                var size = reader.GetInt64(1);
                var blobId = reader.GetGuid(2);
                if (current is { } previous && previous.Sha256 != sha256)
                {
                    yield return new StoredContentCheck(previous.Sha256, previous.Size, actualSize, Convert.ToHexStringLower(hash.GetHashAndReset()),
                        fingerprint.Complete());
                    actualSize = 0;
                }

                if (current?.Sha256 != sha256)
                {
                    fingerprint.Start(blobId);
                }

                current = (sha256, size);
                if (await reader.IsDBNullAsync(3, cancellation))
                {
                    continue;
                }

                var chunkNo = reader.GetInt32(3);
                var version = reader.GetString(4);
                var chunkSize = 0;
                await using (var chunk = await reader.GetStreamAsync(5, cancellation))
                {
                    int read;
                    while ((read = await chunk.ReadAsync(buffer, cancellation)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        chunkSize += read;
                    }
                }

                actualSize += chunkSize;
                fingerprint.Add(chunkNo, chunkSize, version);
            }

            if (current is { } last)
            {
                yield return new StoredContentCheck(last.Sha256, last.Size, actualSize, Convert.ToHexStringLower(hash.GetHashAndReset()),
                    fingerprint.Complete());
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The text of <see cref="StoredContentState.Fingerprint"/>: the blob, then each chunk's number, length and row version.</summary>
    private sealed class Fingerprint
    {
        private readonly System.Text.StringBuilder _text = new();

        public void Start(Guid blobId) => _text.Clear().Append(blobId.ToString("N"));

        public void Add(int chunkNo, int length, string rowVersion) => _text.Append('|').Append(chunkNo).Append(':').Append(length).Append(':').Append(rowVersion);

        public string Complete() => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_text.ToString())));
    }

    /// <summary>Reads until the buffer is full or the content ends, so every chunk but the last is whole.</summary>
    private static async Task<int> Fill(Stream content, byte[] buffer, CancellationToken cancellation)
    {
        var total = 0;
        while (total < ChunkSize)
        {
            var read = await content.ReadAsync(buffer.AsMemory(total, ChunkSize - total), cancellation);
            if (read == 0) break;
            total += read;
        }

        return total;
    }
}
