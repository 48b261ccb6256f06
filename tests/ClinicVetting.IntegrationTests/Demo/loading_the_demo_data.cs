using ClinicVetting.Clinics;
using ClinicVetting.Demo;
using ClinicVetting.Infrastructure.Hosting;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.Reviews;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Demo;

public class loading_the_demo_data(AppFixture fixture) : IntegrationContext(fixture)
{
    /// <summary>Loads the demo and waits for what it sets off (the screening of the demo reviews).</summary>
    private Task Load() => Host.ExecuteAndWaitAsync(() => new DemoDataLoader(Host.Services, new AppOptions { LoadDemoData = true }, Fixture.Clock,
        NullLogger<DemoDataLoader>.Instance).StartAsync(CancellationToken.None), timeoutInMilliseconds: 60_000);

    private async Task<int> EventCount()
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents().CountAsync();
    }

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
    public async Task loading_again_after_a_restart_adds_nothing()
    {
        await Load();
        var events = await EventCount();

        await Load();

        await using var session = Store.QuerySession();
        (await session.Query<ClinicProfile>().CountAsync()).ShouldBe(10);
        (await EventCount()).ShouldBe(events);
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
