using ClinicVetting.Vetting;
using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.IntegrationTests.Support;
using JasperFx.Events;
using Marten;

namespace ClinicVetting.IntegrationTests.Clinics;

public class when_registering_a_clinic(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task a_registered_clinic_can_be_read_back_with_its_version_as_etag()
    {
        var result = await Call(Staff, s =>
        {
            s.Post.Json(ClinicScenarios.AClinic()).ToUrl("/api/clinics");
            s.StatusCodeShouldBe(201);
            s.Header("ETag").SingleValueShouldEqual("\"1\"");
        });
        var created = result.ReadAsJson<NewClinic>().ShouldNotBeNull();
        result.Context.Response.Headers.Location.ToString().ShouldBe($"/api/clinics/{created.Id}");

        var read = await Call(Staff, s =>
        {
            s.Get.Url($"/api/clinics/{created.Id}");
            s.Header("ETag").SingleValueShouldEqual("\"1\"");
        });
        var clinic = read.ReadAsJson<ClinicOverview>().ShouldNotBeNull();
        clinic.Name.ShouldBe("Clínica Esperanza");
        clinic.Country.ShouldBe("MX");
        clinic.CountryName.ShouldBe("Mexico");
        clinic.BestFor.ShouldBe(["orthopedics", "autoimmune"]);
        clinic.Status.ShouldBe(ClinicStatus.Registered);
        clinic.Programs.Single().DiscountedPrice.ShouldBe(5_500);
    }

    [Fact]
    public async Task the_event_records_who_registered_it_and_the_request_correlation_id()
    {
        var result = await Call(Staff, s =>
        {
            s.Post.Json(ClinicScenarios.AClinic()).ToUrl("/api/clinics");
            s.WithRequestHeader("X-Correlation-ID", "req-42");
            s.StatusCodeShouldBe(201);
        });
        var created = result.ReadAsJson<NewClinic>()!;

        await using var session = Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(created.Id);
        var registered = events.ShouldHaveSingleItem();
        registered.Data.ShouldBeOfType<ClinicRegistered>();
        registered.UserName.ShouldBe("stella-staff");
        registered.CorrelationId.ShouldBe("req-42");
    }

    [Theory]
    [InlineData("CLÍNICA ESPERANZA", "cancun")]
    [InlineData("  Clinica   Esperanza ", "Cancún")]
    [InlineData("clinica-esperanza", "CANCUN")]
    public async Task the_same_normalized_name_and_city_is_a_conflict(string name, string city)
    {
        var first = await Host.RegisterClinic(Staff);

        var result = await Call(Staff, s =>
        {
            s.Post.Json(ClinicScenarios.AClinic(name, city)).ToUrl("/api/clinics");
            s.StatusCodeShouldBe(409);
        });

        result.ShouldBeProblem(409).Detail.ShouldNotBeNull().ShouldContain("already registered");
        await using var session = Store.QuerySession();
        (await session.Query<ClinicProfile>().CountAsync()).ShouldBe(1);
        (await session.LoadAsync<ClinicProfile>(first.Id)).ShouldNotBeNull();
    }

    [Fact]
    public async Task invalid_fields_are_a_400_naming_each_field()
    {
        var result = await Call(Staff, s =>
        {
            s.Post.Json(new
            {
                name = "",
                city = "Cancún",
                country = "Mexico",
                costRange = new { min = 9000, max = 100, currency = "dollars" },
                programs = new[] { new { name = "x", condition = "", cellType = "mesenchymal", price = -1, currency = "USD" } },
            }).ToUrl("/api/clinics");
            s.StatusCodeShouldBe(400);
        });

        var problem = result.ShouldBeProblem(400);
        problem.Errors.ShouldNotBeNull().Keys.ShouldBe(
            ["name", "country", "costRange.max", "costRange.currency", "programs[0].condition", "programs[0].price"],
            ignoreOrder: true);
        await AssertNoEventsWritten();
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("{\"name\": 5, \"city\": [], \"country\": {}}")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"name\":\"A\",\"city\":\"B\",\"country\":\"MX\",\"programs\":[{\"cellType\":\"unicorn\"}]}")]
    public async Task a_malformed_body_is_a_400_problem(string body)
    {
        var result = await Call(Staff, s =>
        {
            s.Post.Text(body).ToUrl("/api/clinics");
            s.WithRequestHeader("Content-Type", "application/json");
            s.StatusCodeShouldBe(400);
        });

        result.ShouldBeProblem(400);
        await AssertNoEventsWritten();
    }

    [Fact]
    public async Task an_oversized_body_is_a_413_problem()
    {
        var huge = ClinicScenarios.AClinic() with { Highlights = Enumerable.Repeat(new string('x', 400), 3_000).ToList() };

        var result = await Call(Staff, s =>
        {
            s.Post.Json(huge).ToUrl("/api/clinics");
            s.StatusCodeShouldBe(413);
        });

        result.ShouldBeProblem(413);
        await AssertNoEventsWritten();
    }

    [Fact]
    public async Task an_unknown_clinic_is_a_404_problem()
    {
        var result = await Call(Staff, s =>
        {
            s.Get.Url($"/api/clinics/{Guid.NewGuid()}");
            s.StatusCodeShouldBe(404);
        });
        result.ShouldBeProblem(404);
    }

    private async Task AssertNoEventsWritten() => (await DomainEventCount()).ShouldBe(0);
}
