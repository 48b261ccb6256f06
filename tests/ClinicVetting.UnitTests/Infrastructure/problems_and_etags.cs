using ClinicVetting.Infrastructure.Http;
using ClinicVetting.Shared;
using JasperFx;
using Microsoft.AspNetCore.Http;

namespace ClinicVetting.UnitTests.Infrastructure;

public class problems_and_etags
{
    [Theory]
    [InlineData("\"3\"", 3L)]
    [InlineData("W/\"3\"", 3L)]
    [InlineData("7", 7L)]
    [InlineData("", null)]
    [InlineData("*", null)]
    public void if_match_reads_back_as_the_expected_version(string header, long? expected)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.IfMatch = header;
        ETags.ExpectedVersion(http.Request).ShouldBe(expected);
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("\"0\"")]
    [InlineData("\"-2\"")]
    public void a_garbled_if_match_is_a_bad_request(string header)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.IfMatch = header;
        Should.Throw<InvalidRequest>(() => ETags.ExpectedVersion(http.Request));
    }

    public static IEnumerable<object[]> Failures() =>
    [
        [new NotFound("Clinic", Guid.Empty), 404],
        [new Conflict("taken"), 409],
        [new RuleViolation("no", ["a reason"]), 422],
        [new InvalidRequest("bad", "bad"), 400],
        [(Exception)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(ConcurrencyException)), 409],
        [(Exception)System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(typeof(DocumentAlreadyExistsException)), 409],
        [new BadHttpRequestException("big", 413), 413],
        [new InvalidOperationException("secret detail"), 500],
    ];

    [Theory]
    [MemberData(nameof(Failures))]
    public void each_failure_has_its_status(Exception failure, int status) =>
        ProblemExceptionHandler.ToProblem(failure).Status.ShouldBe(status);

    [Fact]
    public void a_refusal_carries_its_reasons_and_a_surprise_carries_nothing_of_itself()
    {
        ProblemExceptionHandler.ToProblem(new RuleViolation("no", ["license expired"])).Extensions["reasons"]
            .ShouldBe(new[] { "license expired" });
        var surprise = ProblemExceptionHandler.ToProblem(new InvalidOperationException("secret detail"));
        surprise.Detail.ShouldNotBeNull().ShouldNotContain("secret");
    }
}
