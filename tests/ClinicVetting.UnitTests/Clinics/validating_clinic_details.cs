using ClinicVetting.Clinics;

namespace ClinicVetting.UnitTests.Clinics;

public class validating_clinic_details
{
    private static IDictionary<string, string[]> Errors(ClinicDetails details) => details.Validate().ToDictionary();

    private static readonly ClinicDetails Valid = new("Giostar", "Cancún", "MX",
        CostRange: new CostRange(8_000, 9_000),
        Programs: [new TreatmentProgram("Arthritis", "orthopedics", CellType.Mesenchymal, "100M", ["Consultation"], 3, 8_000, 7_500)]);

    [Fact]
    public void a_complete_profile_is_valid() => Errors(Valid).ShouldBeEmpty();

    [Fact]
    public void an_open_ended_cost_range_is_valid() => Errors(Valid with { CostRange = new CostRange(5_000, null) }).ShouldBeEmpty();

    [Theory]
    [InlineData(null, "name")]
    [InlineData("   ", "name")]
    public void a_name_is_required(string? name, string field) => Errors(Valid with { Name = name! }).Keys.ShouldBe([field]);

    [Theory]
    [InlineData("Mexico")]
    [InlineData("XX")]
    [InlineData("")]
    [InlineData(null)]
    public void the_country_is_an_iso_code(string? country) => Errors(Valid with { Country = country! }).Keys.ShouldBe(["country"]);

    [Fact]
    public void a_cost_range_must_make_sense() =>
        Errors(Valid with { CostRange = new CostRange(-1, -5, "dollars") }).Keys
            .ShouldBe(["costRange.min", "costRange.max", "costRange.currency"], ignoreOrder: true);

    [Fact]
    public void a_discount_above_the_price_is_refused() =>
        Errors(Valid with { Programs = [Valid.Programs![0] with { DiscountedPrice = 9_000 }] }).Keys
            .ShouldBe(["programs[0].discountedPrice"]);

    [Fact]
    public void a_null_program_is_reported_not_thrown() =>
        Errors(Valid with { Programs = [null!] }).Keys.ShouldBe(["programs[0]"]);

    [Fact]
    public void a_relative_website_is_refused() => Errors(Valid with { Website = "juventa.mx" }).Keys.ShouldBe(["website"]);
}
