using ClinicVetting.Clinics;
using ClinicVetting.Demo;
using ClinicVetting.Infrastructure.Hosting;
using ClinicVetting.IntegrationTests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClinicVetting.IntegrationTests.Demo;

public class loading_the_demo_data(AppFixture fixture) : IntegrationContext(fixture)
{
    private Task Load() => new DemoDataLoader(Host.Services, new AppOptions { LoadDemoData = true }, Fixture.Clock,
        NullLogger<DemoDataLoader>.Instance).StartAsync(CancellationToken.None);

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
        await Load();

        await using var session = Store.QuerySession();
        (await session.Query<ClinicProfile>().CountAsync()).ShouldBe(10);
        (await DomainEventCount()).ShouldBe(10);
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
