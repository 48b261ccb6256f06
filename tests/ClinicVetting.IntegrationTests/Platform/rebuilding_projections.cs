using System.Text.Json;
using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Ranking;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Ranking;
using ClinicVetting.Ranking.PublicFeed;
using ClinicVetting.Reviews;
using ClinicVetting.Vetting;
using ClinicVetting.Vetting.Cases;
using Marten;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>Every projection rebuilt from the events alone equals the one kept live, whatever the history.</summary>
public class rebuilding_projections(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task RandomHistory(int seed)
    {
        var random = new Random(seed);
        var clinics = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            clinics.Add(await Host.AnApprovedClinic(Fixture, $"Clinic {seed}-{i}", Enumerable.Range(0, 5 + random.Next(4)).Select(_ => random.Next(1, 6)).ToArray()));
        }

        clinics.Add((await Host.RegisterClinic(Staff, ClinicScenarios.AClinic($"Unvetted {seed}"))).Id);
        for (var step = 0; step < 12; step++)
        {
            var clinic = clinics[random.Next(clinics.Count)];
            switch (random.Next(6))
            {
                case 0:
                    await Host.PutJson(Staff, $"/api/clinics/{clinic}", ClinicScenarios.AClinic($"Renamed {seed}-{step}") with { YearsOfExperience = random.Next(1, 30) });
                    break;
                case 1:
                    await Host.PostJson(Staff, $"/api/clinics/{clinic}/red-flags", new RedFlagInput(RedFlagCategory.Other, $"Concern {step}"));
                    break;
                case 2:
                    await Host.PostJson(Staff, $"/api/clinics/{clinic}/claims/accreditations",
                        new AccreditationInput($"Issuer {step}", $"C-{step}", Fixture.Clock.Today.AddYears(-1), Fixture.Clock.Today.AddDays(random.Next(-5, 400))));
                    break;
                case 3:
                    await Host.Reviews(Fixture, clinic, [random.Next(1, 6), random.Next(1, 6)]);
                    break;
                case 4:
                    await Host.PostJson(Booking, $"/api/clinics/{clinic}/efficiency/inquiry-responses",
                        new InquiryResponseInput(random.Next(1, 90), Fixture.Clock.Now.AddDays(-random.Next(1, 30))));
                    break;
                default:
                    await Host.ApproveProposal(Approver, (await Host.Propose(Staff)).Id);
                    break;
            }
        }

        await CatchUpProjections();
    }

    private async Task<string> All<T>() where T : notnull
    {
        await using var session = Store.QuerySession();
        var documents = await session.Query<T>().ToListAsync();
        return JsonSerializer.Serialize(documents.Select(x => JsonSerializer.Serialize(x)).Order(StringComparer.Ordinal));
    }

    private async Task<string> RebuiltAndRead<T>(string projection) where T : notnull
    {
        using var daemon = await Store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(projection, CancellationToken.None);
        return await All<T>();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1789)]
    public async Task rebuilt_from_scratch_each_projection_equals_the_live_one(int seed)
    {
        await RandomHistory(seed);

        var profiles = await All<ClinicProfile>();
        var claims = await All<ClinicClaims>();
        var cases = await All<VettingCase>();
        var reviews = await All<Review>();
        var stats = await All<ClinicReviewStats>();
        var publicRanking = await All<PublicRanking>();
        var editions = await All<RankingEdition>();

        (await RebuiltAndRead<ClinicProfile>(nameof(ClinicProfile))).ShouldBe(profiles);
        (await RebuiltAndRead<ClinicClaims>(nameof(ClinicClaims))).ShouldBe(claims);
        (await RebuiltAndRead<VettingCase>(nameof(VettingCase))).ShouldBe(cases);
        (await RebuiltAndRead<Review>(nameof(Review))).ShouldBe(reviews);
        (await RebuiltAndRead<ClinicReviewStats>(nameof(ClinicReviewStats))).ShouldBe(stats);
        (await RebuiltAndRead<PublicRanking>(nameof(PublicRanking))).ShouldBe(publicRanking);
        (await RebuiltAndRead<RankingEdition>(typeof(RankingEditionProjection).FullName!)).ShouldBe(editions);
    }
}
