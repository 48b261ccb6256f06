using Alba;
using ClinicVetting.Audit;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;

namespace ClinicVetting.IntegrationTests.Audit;

public class browsing_the_event_log(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task<EventPage> Browse(string query) =>
        (await Host.Send(Auditor, s => s.Get.Url("/api/audit/events" + query))).ReadAsJson<EventPage>()!;

    [Fact]
    public async Task by_type_user_stream_and_time_in_pages()
    {
        var start = DateTimeOffset.UtcNow;
        var first = await Host.RegisterClinic(Staff, ClinicScenarios.AClinic("First"));
        await Host.RegisterClinic(Fixture.TokenFor("vera-staff", "staff"), ClinicScenarios.AClinic("Second"));
        await Host.RegisterClinic(Staff, ClinicScenarios.AClinic("Third"));

        (await Browse("?type=clinic_registered")).Events.Count.ShouldBe(3);
        (await Browse("?user=vera-staff")).Events.ShouldHaveSingleItem().Event.Type.ShouldBe("clinic_registered");
        (await Browse($"?streamId={first.Id}")).Events.ShouldHaveSingleItem();
        (await Browse($"?from={Uri.EscapeDataString(start.ToString("O"))}&type=clinic_registered")).Events.Count.ShouldBe(3);

        var page = await Browse("?type=clinic_registered&limit=2");
        page.Events.Count.ShouldBe(2);
        var next = await Browse($"?type=clinic_registered&limit=2&afterSequence={page.NextAfterSequence}");
        next.Events.ShouldHaveSingleItem();
        next.NextAfterSequence.ShouldBeNull();
    }

    [Fact]
    public async Task nonsense_filters_are_a_400()
    {
        (await Host.Send(Auditor, s => s.Get.Url("/api/audit/events?limit=0"), 400)).ShouldBeProblem(400);
        (await Host.Send(Auditor, s => s.Get.Url("/api/audit/events?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z"), 400)).ShouldBeProblem(400);
    }
}
