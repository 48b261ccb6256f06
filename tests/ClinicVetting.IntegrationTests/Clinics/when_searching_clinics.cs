using ClinicVetting.Vetting;
using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.Infrastructure.Http;
using ClinicVetting.IntegrationTests.Support;

namespace ClinicVetting.IntegrationTests.Clinics;

public class when_searching_clinics(AppFixture fixture) : IntegrationContext(fixture)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Host.RegisterClinic(Staff, ClinicScenarios.AClinic("Alpha Clinic", "Cancún", "MX") with { BestFor = ["Diabetes"] });
        await Host.RegisterClinic(Staff, ClinicScenarios.AClinic("Beta Hospital", "Istanbul", "TR") with { BestFor = ["Orthopedics"] });
        await Host.RegisterClinic(Staff, ClinicScenarios.AClinic("Gamma Center", "Bangkok", "TH") with { BestFor = ["Joint diseases", "Alopecia"] });
    }

    private async Task<Page<ClinicOverview>> Search(string query)
    {
        var result = await Call(Auditor, s =>
        {
            s.Get.Url("/api/clinics" + query);
            s.StatusCodeShouldBe(200);
        });
        return result.ReadAsJson<Page<ClinicOverview>>()!;
    }

    [Fact]
    public async Task all_clinics_are_listed_by_name()
    {
        var page = await Search("");
        page.Items.Select(x => x.Name).ShouldBe(["Alpha Clinic", "Beta Hospital", "Gamma Center"]);
        page.Total.ShouldBe(3);
    }

    [Fact]
    public async Task by_country() => (await Search("?country=tr")).Items.Single().Name.ShouldBe("Beta Hospital");

    [Fact]
    public async Task by_condition_label_or_code_through_the_catalog()
    {
        (await Search("?condition=orthopedics")).Items.Select(x => x.Name).ShouldBe(["Beta Hospital", "Gamma Center"]);
        (await Search("?condition=Hair%20loss")).Items.Single().Name.ShouldBe("Gamma Center");
    }

    [Fact]
    public async Task by_name_or_city_fragment() => (await Search("?q=bang")).Items.Single().Name.ShouldBe("Gamma Center");

    [Fact]
    public async Task by_status() => (await Search("?status=registered")).Total.ShouldBe(3);

    [Fact]
    public async Task paged()
    {
        var second = await Search("?page=2&pageSize=2");
        second.Items.Single().Name.ShouldBe("Gamma Center");
        second.Number.ShouldBe(2);
        second.HasMore.ShouldBeFalse();
    }

    [Theory]
    [InlineData("?country=Mexico")]
    [InlineData("?status=famous")]
    [InlineData("?page=abc")]
    public async Task nonsense_filters_are_a_400(string query)
    {
        var result = await Call(Staff, s =>
        {
            s.Get.Url("/api/clinics" + query);
            s.StatusCodeShouldBe(400);
        });
        result.ShouldBeProblem(400);
    }
}
