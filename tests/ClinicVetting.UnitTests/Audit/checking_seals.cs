using System.Security.Cryptography;
using System.Text;
using ClinicVetting.Audit.Integrity;
using ClinicVetting.Infrastructure.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace ClinicVetting.UnitTests.Audit;

public class checking_seals
{
    private static readonly SealKey Key = new(Encoding.UTF8.GetBytes("unit-tests-seal-key-0123456789abcdef"), "test");
    private static readonly DateTimeOffset SealedAt = new(2030, 1, 7, 9, 0, 0, 123, 456, TimeSpan.Zero);

    private static string HashOf(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string DigestOf(string previous, params string[] eventHashes)
    {
        using var digest = new SealDigest(previous);
        foreach (var hash in eventHashes)
        {
            digest.Add(hash);
        }

        return digest.Finish();
    }

    private static AuditSeal Signed(long no, long from, long upto, string previous, params string[] eventHashes)
    {
        var seal = new AuditSeal(no, from, upto, eventHashes.Length, previous, DigestOf(previous, eventHashes), SealedAt, "");
        return seal with { Signature = Key.Sign(seal.SignedPayload()) };
    }

    /// <summary>Seals 1 (sequence 1 to 3) and 2 (4 to 6) over six event hashes.</summary>
    private static (AuditSeal First, AuditSeal Second, string[] Hashes) TwoSeals()
    {
        var hashes = Enumerable.Range(1, 6).Select(i => HashOf($"event {i}")).ToArray();
        var first = Signed(1, 1, 3, AuditSeal.Genesis, hashes[..3]);
        var second = Signed(2, 4, 6, first.Digest, hashes[3..]);
        return (first, second, hashes);
    }

    [Fact]
    public void the_signed_payload_names_every_field_in_a_fixed_form()
    {
        var (first, _, _) = TwoSeals();

        first.SignedPayload().ShouldBe($"clinicvetting-seal-v1|1|1|3|3||{first.Digest}|2030-01-07T09:00:00.123456Z");
        AuditSeal.ToStoredPrecision(SealedAt.AddTicks(7)).ShouldBe(SealedAt);
    }

    [Fact]
    public void the_digest_is_sha256_of_the_previous_digest_and_the_event_hashes_in_order()
    {
        var (first, _, hashes) = TwoSeals();

        first.Digest.ShouldBe(HashOf(string.Concat(hashes[..3])));
        DigestOf(first.Digest, hashes[3], hashes[4]).ShouldNotBe(DigestOf(first.Digest, hashes[4], hashes[3]));
    }

    [Fact]
    public void a_signature_holds_for_the_key_and_the_fields_it_was_made_for()
    {
        var (first, _, _) = TwoSeals();

        Key.Verifies(first.SignedPayload(), first.Signature).ShouldBeTrue();
        Key.Verifies(first.SignedPayload(), first.Signature.ToUpperInvariant()).ShouldBeTrue();
        Key.Verifies((first with { UptoSeq = 2 }).SignedPayload(), first.Signature).ShouldBeFalse();
        Key.Verifies((first with { Digest = new string('f', 64) }).SignedPayload(), first.Signature).ShouldBeFalse();
        new SealKey(new byte[32], "another").Verifies(first.SignedPayload(), first.Signature).ShouldBeFalse();
    }

    [Fact]
    public void a_seal_key_needs_32_bytes()
    {
        Should.Throw<InvalidOperationException>(() => new SealKey(new byte[31], "short"));
    }

    [Fact]
    public void outside_development_the_seal_key_comes_from_configuration_or_nothing_starts()
    {
        var production = new HostingEnvironment { EnvironmentName = "Production", ContentRootPath = Path.GetTempPath() };

        Should.Throw<InvalidOperationException>(() => SealKey.Resolve(new AuditOptions(), new AppOptions(), production))
            .Message.ShouldContain("Audit:SealKey");
        Should.Throw<InvalidOperationException>(() => SealKey.Resolve(new AuditOptions { SealKey = "not base64!" }, new AppOptions(), production));
        SealKey.Resolve(new AuditOptions { SealKey = Convert.ToBase64String(new byte[32]) }, new AppOptions(), production).Source.ShouldBe("configuration");
    }

    [Fact]
    public void in_development_a_seal_key_is_generated_once_into_the_data_directory()
    {
        var directory = Directory.CreateTempSubdirectory("seal-key-").FullName;
        var development = new HostingEnvironment { EnvironmentName = "Development", ContentRootPath = directory };
        var app = new AppOptions { DataDirectory = directory };

        var first = SealKey.Resolve(new AuditOptions(), app, development);
        var again = SealKey.Resolve(new AuditOptions(), app, development);

        File.Exists(Path.Combine(directory, SealKey.DevKeyFile)).ShouldBeTrue();
        again.Sign("payload").ShouldBe(first.Sign("payload"));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void a_chain_of_signed_contiguous_seals_is_whole()
    {
        var (first, second, _) = TwoSeals();

        SealChecks.Chain([first, second], Key).ShouldBeEmpty();
    }

    [Fact]
    public void a_removed_seal_a_gap_a_foreign_previous_digest_and_a_forged_signature_are_each_reported()
    {
        var (first, second, hashes) = TwoSeals();

        SealChecks.Chain([second], Key).Select(x => x.Problem).ShouldBe([Breaks.SealMissing, Breaks.SealChainBroken]);
        SealChecks.Chain([first, Signed(2, 5, 6, first.Digest, hashes[4..])], Key)
            .ShouldHaveSingleItem().Problem.ShouldBe(Breaks.SealChainBroken);
        SealChecks.Chain([first, Signed(2, 4, 6, HashOf("elsewhere"), hashes[3..])], Key)
            .ShouldHaveSingleItem().Problem.ShouldBe(Breaks.SealChainBroken);
        SealChecks.Chain([first, second with { Digest = new string('f', 64) }], Key)
            .ShouldHaveSingleItem().ShouldBe(new BrokenLink(Breaks.SealSignatureInvalid,
                "Seal 2 is not signed by the seal key: it was forged or altered after sealing.", Seq: 4, SealNo: 2));
    }

    [Fact]
    public void an_exported_seal_must_still_be_there_with_its_digest_and_the_log_must_reach_its_end()
    {
        var (first, second, _) = TwoSeals();

        SealChecks.Exported(new ExportedSeal(2, second.Digest.ToUpperInvariant()), [first, second], lastEventSeq: 6).ShouldBeNull();
        SealChecks.Exported(new ExportedSeal(2, second.Digest), [first], lastEventSeq: 3)!.Problem.ShouldBe(Breaks.Truncated);
        SealChecks.Exported(new ExportedSeal(2, first.Digest), [first, second], lastEventSeq: 6)!.Problem.ShouldBe(Breaks.Truncated);
        SealChecks.Exported(new ExportedSeal(2, second.Digest), [first, second], lastEventSeq: 5)!.Seq.ShouldBe(6);
    }

    [Fact]
    public void the_seal_digests_are_recomputed_in_one_pass_over_the_log()
    {
        var (first, second, hashes) = TwoSeals();

        Recompute([first, second], Enumerable.Range(1, 6).Select(seq => (seq, (string?)hashes[seq - 1]))).ShouldBeEmpty();
        Recompute([first, second], [(1, hashes[0]), (2, hashes[1]), (3, hashes[2]), (4, hashes[3]), (5, null), (6, hashes[5])])
            .ShouldHaveSingleItem().SealNo.ShouldBe(2);
        Recompute([first, second], [(1, hashes[0]), (2, hashes[1]), (3, hashes[2])])
            .ShouldHaveSingleItem().SealNo.ShouldBe(2, "the log ends before the seal's range");
        Recompute([first, second], [(1, hashes[0]), (3, hashes[2]), (4, hashes[3]), (6, hashes[5]), (7, HashOf("unsealed"))])
            .Select(x => x.SealNo).ShouldBe([1L, 2L]);
    }

    private static IReadOnlyList<BrokenLink> Recompute(IReadOnlyList<AuditSeal> seals, IEnumerable<(int Seq, string? Hash)> log)
    {
        var problems = new ProblemLog();
        var check = new SealDigestCheck(seals, problems);
        foreach (var (seq, hash) in log)
        {
            check.Observe(seq, hash);
        }

        check.Complete();
        return problems.InLogOrder();
    }
}
