using Alba;
using ClinicVetting.Audit.Integrity;
using ClinicVetting.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClinicVetting.IntegrationTests.Audit;

public class sealing_and_verifying_the_event_log(AppFixture fixture) : EventLogContext(fixture)
{
    [Fact]
    public async Task each_seal_covers_what_was_appended_since_the_previous_one_and_an_empty_range_writes_none()
    {
        await AClinicWithTwoEvents("Clínica Uno");
        var first = (await Sealer.SealNow(CancellationToken.None)).ShouldNotBeNull();
        (await Sealer.SealNow(CancellationToken.None)).ShouldBeNull();
        var clinic = await AClinicWithTwoEvents("Clínica Dos");
        var second = (await Sealer.SealNow(CancellationToken.None)).ShouldNotBeNull();

        first.SealNo.ShouldBe(1);
        first.FromSeq.ShouldBe(1);
        first.PreviousDigest.ShouldBe(AuditSeal.Genesis);
        second.SealNo.ShouldBe(2);
        second.FromSeq.ShouldBe(first.UptoSeq + 1);
        second.UptoSeq.ShouldBe((await EventsOf(clinic)).Max(x => x.Seq));
        second.EventCount.ShouldBe(2);
        second.PreviousDigest.ShouldBe(first.Digest);
        second.SealedAt.ShouldBe(Fixture.Clock.Now);
        Host.Services.GetRequiredService<SealKey>().Verifies(second.SignedPayload(), second.Signature).ShouldBeTrue();
    }

    [Fact]
    public async Task the_latest_seal_is_exported_with_its_signature_once_there_is_one()
    {
        (await Call(Auditor, s =>
        {
            s.Get.Url("/api/audit/seals/latest");
            s.StatusCodeShouldBe(404);
        })).ShouldBeProblem(404);

        await AClinicWithTwoEvents("Clínica Uno");
        var seal = (await Sealer.SealNow(CancellationToken.None)).ShouldNotBeNull();

        (await LatestSeal()).ShouldBe(seal);
    }

    [Fact]
    public async Task an_exported_seal_still_in_the_log_proves_it_whole()
    {
        await AClinicWithTwoEvents("Clínica Uno");
        var seal = (await Sealer.SealNow(CancellationToken.None)).ShouldNotBeNull();
        await AClinicWithTwoEvents("Clínica Dos");

        var report = await Integrity($"?sealNo={seal.SealNo}&digest={seal.Digest.ToUpperInvariant()}");

        report.Valid.ShouldBeTrue();
    }

    [Theory]
    [InlineData("?sealNo=1", "digest")]
    [InlineData("?digest=0000000000000000000000000000000000000000000000000000000000000000", "sealNo")]
    [InlineData("?sealNo=0&digest=0000000000000000000000000000000000000000000000000000000000000000", "sealNo")]
    [InlineData("?sealNo=1&digest=not-a-digest", "digest")]
    public async Task an_exported_seal_must_come_whole(string query, string field)
    {
        var result = await Call(Auditor, s =>
        {
            s.Get.Url("/api/audit/integrity" + query);
            s.StatusCodeShouldBe(400);
        });

        result.ShouldBeProblem(400).Errors.ShouldNotBeNull().Keys.ShouldContain(field);
    }

    [Fact]
    public async Task an_unreadable_seal_number_is_a_bad_request()
    {
        (await Call(Auditor, s =>
        {
            s.Get.Url("/api/audit/integrity?sealNo=abc&digest=00");
            s.StatusCodeShouldBe(400);
        })).ShouldBeProblem(400);
    }

    [Fact]
    public async Task the_verify_log_command_reports_progress_and_fails_on_a_tampered_log()
    {
        var updated = (await EventsOf(await AClinicWithTwoEvents("Clínica Uno")))[1];
        var verifier = Host.Services.GetRequiredService<IntegrityVerifier>();

        var intact = new StringWriter();
        (await VerifyLogCommand.Run(verifier, null, intact, CancellationToken.None, progressEvery: 2)).ShouldBeTrue();
        intact.ToString().ShouldContain(" events checked");
        intact.ToString().ShouldContain("The log is intact.");

        await Tamper($"update {Schema}.mt_events set data = jsonb_set(data, '{{yearsOfExperience}}', '30') where seq_id = {updated.Seq}");
        var broken = new StringWriter();
        (await VerifyLogCommand.Run(verifier, null, broken, CancellationToken.None)).ShouldBeFalse();
        broken.ToString().ShouldContain($"edited: The event at sequence {updated.Seq} (version 2 of stream {updated.StreamId})");
    }
}
