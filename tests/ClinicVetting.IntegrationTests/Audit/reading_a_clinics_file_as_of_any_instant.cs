using Alba;
using ClinicVetting.Audit;
using ClinicVetting.Clinics;
using ClinicVetting.Clinics.Claims;
using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using ClinicVetting.IntegrationTests.Vetting;
using ClinicVetting.Vetting;

namespace ClinicVetting.IntegrationTests.Audit;

public class reading_a_clinics_file_as_of_any_instant(AppFixture fixture) : IntegrationContext(fixture)
{
    private async Task<ClinicFile> FileAsOf(Guid clinicId, DateTimeOffset instant) =>
        (await Host.Send(Auditor, s => s.Get.Url($"/api/audit/clinics/{clinicId}?asOf={Uri.EscapeDataString(instant.ToString("O"))}"))).ReadAsJson<ClinicFile>()!;

    private sealed record Seen(DateTimeOffset At, long Version, int? Years, ClinicStatus Status, int Flags, int Licenses, int Events);

    [Theory]
    [InlineData(11)]
    [InlineData(29)]
    [InlineData(47)]
    public async Task the_file_at_each_instant_of_a_random_history_is_the_state_seen_then(int seed)
    {
        var random = new Random(seed);
        var clinicId = (await Host.RegisterClinic(Staff, ClinicScenarios.AClinic($"Clinic {seed}"))).Id;
        var seen = new List<Seen>();
        var events = 1;
        for (var step = 0; step < 8; step++)
        {
            switch (random.Next(4))
            {
                case 0:
                    await Host.PutJson(Staff, $"/api/clinics/{clinicId}", ClinicScenarios.AClinic($"Clinic {seed}") with { YearsOfExperience = random.Next(1, 40) });
                    break;
                case 1:
                    await Host.PostJson(Staff, $"/api/clinics/{clinicId}/claims/licenses",
                        new LicenseInput("COFEPRIS", $"L-{random.Next(1000)}", Fixture.Clock.Today.AddYears(-1), Fixture.Clock.Today.AddYears(1)));
                    break;
                case 2:
                    await Host.PostJson(Staff, $"/api/clinics/{clinicId}/red-flags", new RedFlagInput(RedFlagCategory.Other, $"Concern {step}"));
                    break;
                default:
                    await Host.PostJson(Staff, $"/api/clinics/{clinicId}/claims/therapies", new TherapyInput("Diabetes",
                        CellType.Mesenchymal, CellSource.Autologous, AdministrationRoute.Intravenous, "Lab", $"LAB-{step}"));
                    break;
            }

            var now = await Host.GetClinic(Staff, clinicId);
            var claims = (await Host.Send(Staff, s => s.Get.Url($"/api/clinics/{clinicId}/claims"))).ReadAsJson<ClinicClaims>()!;
            var stream = (await Host.Send(Auditor, s => s.Get.Url($"/api/audit/events?streamId={clinicId}&limit=500"))).ReadAsJson<EventPage>()!;
            events = stream.Events.Count;
            seen.Add(new Seen(DateTimeOffset.UtcNow, now.Version, now.YearsOfExperience, now.Status, now.RedFlags.Count, claims.Licenses.Count, events));
        }

        foreach (var then in seen)
        {
            var file = await FileAsOf(clinicId, then.At);
            file.Profile.Version.ShouldBe(then.Version);
            file.Profile.YearsOfExperience.ShouldBe(then.Years);
            file.Profile.Status.ShouldBe(then.Status);
            file.Profile.RedFlags.Count.ShouldBe(then.Flags);
            file.Claims!.Licenses.Count.ShouldBe(then.Licenses);
            file.Events.Count(x => x.Event.StreamId == clinicId).ShouldBe(then.Events);
            file.Events.ShouldAllBe(x => x.Event.User == "stella-staff");
        }

        events.ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task the_file_holds_the_vetting_case_with_its_evidence_and_who_recorded_it()
    {
        var clinicId = await Host.ACleanClinic(Staff, Fixture.Clock.Today);
        var caseId = await Host.OpenCase(Staff, clinicId);
        await Host.RecordAllEvidence(Staff, caseId, Fixture.Clock.Now);
        var beforeApproval = DateTimeOffset.UtcNow;
        await Host.Approve(Approver, caseId);

        var before = await FileAsOf(clinicId, beforeApproval);
        var after = await FileAsOf(clinicId, DateTimeOffset.UtcNow);

        before.Profile.Status.ShouldBe(ClinicStatus.UnderVetting);
        before.Cases.ShouldHaveSingleItem().Checks.SelectMany(x => x.Evidence).Count().ShouldBe(9);
        after.Profile.Status.ShouldBe(ClinicStatus.Approved);
        after.Cases.Single().DecidedBy.ShouldBe("arthur-approver");
        after.Events.ShouldContain(x => x.Event.Type == "evidence_recorded" && x.Event.User == "stella-staff" && x.Event.CorrelationId != null);
    }

    [Fact]
    public async Task before_the_clinic_existed_there_is_no_file()
    {
        var instant = DateTimeOffset.UtcNow;
        var clinicId = (await Host.RegisterClinic(Staff)).Id;

        (await Host.Send(Auditor, s => s.Get.Url($"/api/audit/clinics/{clinicId}?asOf={Uri.EscapeDataString(instant.AddSeconds(-5).ToString("O"))}"), 404))
            .ShouldBeProblem(404);
    }
}
