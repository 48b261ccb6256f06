using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.Vetting.Cases;
using ClinicVetting.Demo;
using ClinicVetting.Infrastructure.Hosting;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Reviews;
using ClinicVetting.Ranking;
using ClinicVetting.Ranking.PublicFeed;
using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Demo;

public class loading_the_demo_data(AppFixture fixture) : IntegrationContext(fixture)
{
    /// <summary>What a start with LoadDemoData does, waiting for the messages it sets off.</summary>
    private Task Load() => Host.ExecuteAndWaitAsync(() => new DemoDataLoader(Host.Services, new AppOptions { LoadDemoData = true }, Fixture.Clock,
        NullLogger<DemoDataLoader>.Instance).StartAsync(CancellationToken.None), timeoutInMilliseconds: 60_000);

    [Fact]
    public async Task registers_the_seed_articles_ten_clinics_through_the_registry_commands()
    {
        await Load();

        await using var session = Store.QuerySession();
        var clinics = await session.Query<ClinicProfile>().OrderBy(x => x.Name).ToListAsync();
        clinics.Count.ShouldBe(10);
        clinics.Select(x => x.Name).ShouldContain("Memorial Şişli Hospital");
        clinics.Single(x => x.Name == "Reju Medical Clinic").Country.ShouldBe("CO");
        clinics.Single(x => x.Name == "Medical Center Juventa").Programs
            .ShouldContain(p => p.Price == 5_350 && p.DiscountedPrice == 4_800 && p.LengthOfStayDays == 3);

        var registrations = await session.Events.QueryAllRawEvents().Where(x => x.EventTypeName == "clinic_registered").ToListAsync();
        registrations.Count.ShouldBe(10);
        registrations.ShouldAllBe(x => x.UserName == DemoContext.StaffUser);
    }

    [Fact]
    public async Task takes_every_seed_clinic_through_a_real_case_to_approval_with_labelled_demo_evidence()
    {
        await Load();

        await using var session = Store.QuerySession();
        var clinics = await session.Query<ClinicProfile>().ToListAsync();
        clinics.ShouldAllBe(x => x.Status == ClinicStatus.Approved && x.OpenRedFlags.Count() == 0);
        var cases = await session.Query<VettingCase>().ToListAsync();
        cases.Count.ShouldBe(10);
        cases.ShouldAllBe(x => x.Status == CaseStatus.Approved && x.DecidedBy == DemoContext.ApproverUser);
        cases.SelectMany(x => x.Checks).SelectMany(x => x.Evidence).Where(x => x.RecordedBy == DemoContext.StaffUser)
            .ShouldAllBe(x => x.Note!.StartsWith("[Demo evidence]"));
        var claims = await session.Query<ClinicClaims>().ToListAsync();
        claims.SelectMany(x => x.Licenses).ShouldAllBe(x => x.Number.StartsWith("DEMO-"));
    }

    [Fact]
    public async Task publishes_a_first_edition_with_the_ten_seed_clinics_through_the_real_workflow()
    {
        await Load();
        await CatchUpProjections();

        await using var session = Store.QuerySession();
        var edition = (await session.LoadAsync<RankingEdition>(1)).ShouldNotBeNull();
        edition.Lists.Overall.Count.ShouldBe(10);
        edition.ProposedBy.ShouldBe(DemoContext.StaffUser);
        edition.ApprovedBy.ShouldBe(DemoContext.ApproverUser);
        var feed = await Call(null, s => s.Get.Url("/api/public/rankings"));
        feed.ReadAsJson<PublicRankingList>()!.Entries.Count.ShouldBe(10);
    }

    [Fact]
    public async Task loading_again_after_a_restart_adds_nothing()
    {
        await Load();
        var events = await DomainEventCount();

        await Load();

        await using var session = Store.QuerySession();
        (await session.Query<ClinicProfile>().CountAsync()).ShouldBe(10);
        (await DomainEventCount()).ShouldBe(events);
    }

    [Fact]
    public async Task every_seed_clinic_gets_labelled_reviews_that_screening_publishes_enough_of_to_rank()
    {
        await Load();

        await using var session = Store.QuerySession();
        var reviews = await session.Query<Review>().ToListAsync();
        reviews.Count.ShouldBe(10 * SeedReviews.PerClinic);
        reviews.ShouldAllBe(x => x.Text.StartsWith(SeedReviews.TextPrefix) && x.BookingId.StartsWith(SeedReviews.BookingPrefix));
        foreach (var clinic in reviews.GroupBy(x => x.ClinicId))
        {
            var published = clinic.Where(x => x.Status == ReviewStatus.Published && x.Verified).ToList();
            published.Count.ShouldBeGreaterThanOrEqualTo(8);
            published.Select(x => x.Rating).Distinct().Count().ShouldBeGreaterThan(1);
            clinic.Count(x => x.Status == ReviewStatus.Held).ShouldBe(1, "the unverified one waits for moderation");
        }

        var submissions = await session.Events.QueryAllRawEvents().Where(x => x.EventTypeName == "review_submitted").ToListAsync();
        submissions.ShouldAllBe(x => x.UserName == DemoContext.BookingUser);
    }

    [Fact]
    public async Task an_interrupted_load_completes_without_duplicates()
    {
        await Host.Services.GetRequiredService<Wolverine.IMessageBus>()
            .InvokeAsync<ClinicVersion>(new RegisterClinic(Guid.NewGuid(), SeedClinics.Clinics[3]));

        await Load();

        await using var session = Store.QuerySession();
        (await session.Query<ClinicProfile>().CountAsync()).ShouldBe(10);
    }
}
