using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.IntegrationTests.Support;
using Marten;

namespace ClinicVetting.IntegrationTests.Clinics;

public class when_updating_a_clinic_profile(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task an_update_with_the_current_etag_appends_an_event_naming_the_changed_fields()
    {
        var clinic = await Host.RegisterClinic(Staff);
        var changed = ClinicScenarios.AClinic() with { YearsOfExperience = 11, BestFor = ["Diabetes"] };

        var result = await Call(Staff, s =>
        {
            s.Put.Json(changed).ToUrl($"/api/clinics/{clinic.Id}");
            s.WithRequestHeader("If-Match", "\"1\"");
            s.StatusCodeShouldBe(200);
            s.Header("ETag").SingleValueShouldEqual("\"2\"");
        });
        result.ReadAsJson<ClinicVersion>()!.Version.ShouldBe(2);

        await using var session = Store.QuerySession();
        var updated = (await session.Events.FetchStreamAsync(clinic.Id)).Last().Data.ShouldBeOfType<ClinicProfileUpdated>();
        updated.ChangedFields.ShouldBe(["yearsOfExperience", "bestFor"]);
        var profile = await session.LoadAsync<ClinicProfile>(clinic.Id);
        profile!.YearsOfExperience.ShouldBe(11);
        profile.BestFor.ShouldBe(["diabetes"]);
    }

    [Fact]
    public async Task claims_recorded_between_updates_leave_the_profiles_etag_valid_and_the_next_etag_is_right()
    {
        var clinic = await Host.RegisterClinic(Staff);
        await Call(Staff, s =>
        {
            s.Post.Json(new ClinicVetting.Clinics.Claims.LicenseInput("COFEPRIS", "L-1", new DateOnly(2029, 1, 1), new DateOnly(2032, 1, 1)))
                .ToUrl($"/api/clinics/{clinic.Id}/claims/licenses");
            s.StatusCodeShouldBe(201);
        });

        var first = await Call(Staff, s =>
        {
            s.Put.Json(ClinicScenarios.AClinic() with { YearsOfExperience = 11 }).ToUrl($"/api/clinics/{clinic.Id}");
            s.WithRequestHeader("If-Match", "\"1\"");
            s.StatusCodeShouldBe(200);
        });
        var etag = first.Context.Response.Headers.ETag.ToString();
        etag.ShouldBe("\"3\"");

        await Call(Staff, s =>
        {
            s.Put.Json(ClinicScenarios.AClinic() with { YearsOfExperience = 12 }).ToUrl($"/api/clinics/{clinic.Id}");
            s.WithRequestHeader("If-Match", etag);
            s.StatusCodeShouldBe(200);
        });
    }

    [Fact]
    public async Task a_stale_etag_is_a_409_and_writes_nothing()
    {
        var clinic = await Host.RegisterClinic(Staff);
        await Call(Staff, s =>
        {
            s.Put.Json(ClinicScenarios.AClinic() with { YearsOfExperience = 11 }).ToUrl($"/api/clinics/{clinic.Id}");
            s.WithRequestHeader("If-Match", "\"1\"");
        });

        var result = await Call(Staff, s =>
        {
            s.Put.Json(ClinicScenarios.AClinic() with { YearsOfExperience = 12 }).ToUrl($"/api/clinics/{clinic.Id}");
            s.WithRequestHeader("If-Match", "\"1\"");
            s.StatusCodeShouldBe(409);
        });

        result.ShouldBeProblem(409);
        await using var session = Store.QuerySession();
        (await session.LoadAsync<ClinicProfile>(clinic.Id))!.YearsOfExperience.ShouldBe(11);
    }

    [Fact]
    public async Task of_two_racing_updates_from_the_same_version_exactly_one_wins()
    {
        var clinic = await Host.RegisterClinic(Staff);

        var attempts = Enumerable.Range(0, 6).Select(i => Call(Staff, s =>
        {
            s.Put.Json(ClinicScenarios.AClinic() with { YearsOfExperience = 20 + i }).ToUrl($"/api/clinics/{clinic.Id}");
            s.WithRequestHeader("If-Match", "\"1\"");
            s.IgnoreStatusCode();
        }));
        var statuses = (await Task.WhenAll(attempts)).Select(r => r.Context.Response.StatusCode).ToList();

        statuses.Count(x => x == 200).ShouldBe(1);
        statuses.Count(x => x == 409).ShouldBe(5);
        await using var session = Store.QuerySession();
        (await session.Events.FetchStreamStateAsync(clinic.Id))!.Version.ShouldBe(2);
    }

    [Fact]
    public async Task an_update_that_changes_nothing_writes_nothing()
    {
        var clinic = await Host.RegisterClinic(Staff);

        await Call(Staff, s =>
        {
            s.Put.Json(ClinicScenarios.AClinic()).ToUrl($"/api/clinics/{clinic.Id}");
            s.StatusCodeShouldBe(200);
            s.Header("ETag").SingleValueShouldEqual("\"1\"");
        });
    }

    [Fact]
    public async Task renaming_onto_another_clinic_is_a_409()
    {
        var first = await Host.RegisterClinic(Staff);
        await Host.RegisterClinic(Staff, ClinicScenarios.AClinic("Other Clinic"));

        var result = await Call(Staff, s =>
        {
            s.Put.Json(ClinicScenarios.AClinic("Other Clinic")).ToUrl($"/api/clinics/{first.Id}");
            s.StatusCodeShouldBe(409);
        });
        result.ShouldBeProblem(409);
    }

    [Fact]
    public async Task updating_an_unknown_clinic_is_a_404()
    {
        var result = await Call(Staff, s =>
        {
            s.Put.Json(ClinicScenarios.AClinic()).ToUrl($"/api/clinics/{Guid.NewGuid()}");
            s.WithRequestHeader("If-Match", "\"3\"");
            s.StatusCodeShouldBe(404);
        });
        result.ShouldBeProblem(404);
    }

    [Fact]
    public async Task a_garbled_if_match_is_a_400()
    {
        var clinic = await Host.RegisterClinic(Staff);
        var result = await Call(Staff, s =>
        {
            s.Put.Json(ClinicScenarios.AClinic()).ToUrl($"/api/clinics/{clinic.Id}");
            s.WithRequestHeader("If-Match", "version-one");
            s.StatusCodeShouldBe(400);
        });
        result.ShouldBeProblem(400);
    }
}
