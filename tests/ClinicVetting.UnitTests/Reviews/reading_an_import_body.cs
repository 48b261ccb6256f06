using System.Text;
using System.Text.Json;
using ClinicVetting.Reviews;
using Microsoft.AspNetCore.Http;

namespace ClinicVetting.UnitTests.Reviews;

public class reading_an_import_body
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    private static string AReview(int i) => JsonSerializer.Serialize(new ReviewSubmission($"r-{i}", $"B-{i}", Guid.NewGuid(), 5,
        "Kind staff and a clear plan.", "Knee", new DateOnly(2026, 1, 5), new DateTimeOffset(2026, 2, 1, 9, 0, 0, TimeSpan.Zero), true), Json);

    private static async Task<List<ImportBody.Item>> Read(Stream body, string contentType = "application/json")
    {
        var http = new DefaultHttpContext();
        http.Request.ContentType = contentType;
        http.Request.Body = body;
        var items = new List<ImportBody.Item>();
        await foreach (var item in ImportBody.Read(http.Request, Json, CancellationToken.None))
        {
            items.Add(item);
        }

        return items;
    }

    private static Stream Text(string body) => new MemoryStream(Encoding.UTF8.GetBytes(body));

    [Fact]
    public async Task an_element_longer_than_the_limit_is_refused_before_much_more_of_it_is_read()
    {
        // 32 MiB of one review's text, made as it is read; the reader must refuse it within the limit and a read window.
        var body = new GeneratedBody("[" + AReview(1) + ", {\"text\": \"", 'x', 32L * 1024 * 1024, "\"}, " + AReview(2) + "]");
        var readWhenRefused = -1L;
        var http = new DefaultHttpContext();
        http.Request.ContentType = "application/json";
        http.Request.Body = body;
        var items = new List<ImportBody.Item>();
        await foreach (var item in ImportBody.Read(http.Request, Json, CancellationToken.None))
        {
            if (item.Index == 1) readWhenRefused = body.Produced;
            items.Add(item);
        }

        items.Select(x => (x.Index, x.Submission?.ExternalReviewId, x.Error)).ShouldBe(
            [(0, "r-1", null), (1, null, $"is longer than {ImportBody.MaxItemBytes} bytes"), (2, "r-2", null)]);
        readWhenRefused.ShouldBeLessThan(body.PrefixLength + ImportBody.MaxItemBytes + GeneratedBody.Window * 2,
            "the element was read far past the limit before it was refused");
        body.Produced.ShouldBe(body.Length, "the rest of the body is still read to the end");
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("\"reviews\"")]
    [InlineData("42")]
    [InlineData("true")]
    public async Task a_body_that_is_not_an_array_is_refused(string body) =>
        (await Should.ThrowAsync<JsonException>(() => Read(Text(body)))).Message.ShouldContain("must be a JSON array");

    [Fact]
    public async Task elements_of_every_kind_are_numbered_and_only_reviews_pass()
    {
        var items = await Read(Text($" [ {AReview(1)} , null, 7, \"a ] string, with {{ brackets\", [1, {{\"x\": \"}}\"}}], {{\"rating\": \"five\"}} ]\n"));

        items.Select(x => x.Index).ShouldBe([0, 1, 2, 3, 4, 5]);
        items[0].Submission.ShouldNotBeNull().ExternalReviewId.ShouldBe("r-1");
        items.Skip(1).ShouldAllBe(x => x.Submission == null && x.Error!.StartsWith("is not a valid review"));
        items[5].Error.ShouldNotBeNull().ShouldContain("rating must be a whole number");
    }

    [Theory]
    [InlineData("[")]
    [InlineData("[{\"rating\": 5}")]
    [InlineData("[{\"rating\": 5} {\"rating\": 4}]")]
    [InlineData("[{\"rating\": 5},]")]
    [InlineData("[1] 2")]
    public async Task an_array_that_breaks_off_is_an_error_after_the_elements_before_the_break(string body) =>
        await Should.ThrowAsync<JsonException>(() => Read(Text(body)));

    /// <summary>A body made while it is read: a prefix, a run of one character, a suffix; it counts what was read.</summary>
    private sealed class GeneratedBody(string prefix, char fill, long fillLength, string suffix) : Stream
    {
        public const int Window = 16 * 1024;
        private readonly byte[] _prefix = Encoding.UTF8.GetBytes(prefix);
        private readonly byte[] _suffix = Encoding.UTF8.GetBytes(suffix);

        public long Produced { get; private set; }
        public long PrefixLength => _prefix.Length;
        public override long Length => _prefix.Length + fillLength + _suffix.Length;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var written = (int)Math.Min(Math.Min(count, Window), Length - Produced);
            for (var i = 0; i < written; i++)
            {
                buffer[offset + i] = ByteAt(Produced + i);
            }

            Produced += written;
            return written;
        }

        private byte ByteAt(long position) =>
            position < _prefix.Length ? _prefix[position]
            : position < _prefix.Length + fillLength ? (byte)fill
            : _suffix[position - _prefix.Length - fillLength];

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Position { get => Produced; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
