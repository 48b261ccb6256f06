using ClinicVetting.Infrastructure.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>
/// Oversized bodies get a 413 problem, whether announced by Content-Length or discovered while streaming
/// (Wolverine's JSON reader would otherwise turn the read failure into a bare 400).
/// An endpoint raises or lifts the limit with [RequestSizeLimit] / [DisableRequestSizeLimit].
/// </summary>
public sealed class RequestBodyLimit(RequestDelegate next, AppOptions options)
{
    private const string ExceededKey = "clinicvetting.body-limit-exceeded";

    public async Task InvokeAsync(HttpContext http)
    {
        var limit = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } metadata
            ? metadata.MaxRequestBodySize
            : options.MaxRequestBodyBytes;

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        if (limit is null)
        {
            await next(http);
            return;
        }

        if (http.Request.ContentLength > limit)
        {
            await Problems.Write(http, TooLarge(limit.Value));
            return;
        }

        http.Request.Body = new LimitedStream(http.Request.Body, limit.Value, () => http.Items[ExceededKey] = true);
        await next(http);

        if (http.Items.ContainsKey(ExceededKey) && !http.Response.HasStarted)
        {
            http.Response.Clear();
            await Problems.Write(http, TooLarge(limit.Value));
        }
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails TooLarge(long limit) =>
        Problems.Create(413, "The request body is too large", $"This endpoint accepts at most {limit} bytes.");

    private sealed class LimitedStream(Stream inner, long limit, Action exceeded) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellation = default)
            => Count(await inner.ReadAsync(buffer, cancellation));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellation)
            => ReadAsync(buffer.AsMemory(offset, count), cancellation).AsTask();

        private int Count(int read)
        {
            _read += read;
            if (_read > limit)
            {
                exceeded();
                throw new BadHttpRequestException($"The request body exceeds {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
