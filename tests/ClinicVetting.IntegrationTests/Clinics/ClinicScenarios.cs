using Alba;
using ClinicVetting.Clinics;
using ClinicVetting.IntegrationTests.Support;

namespace ClinicVetting.IntegrationTests.Clinics;

public static class ClinicScenarios
{
    public static ClinicDetails AClinic(string name = "Clínica Esperanza", string city = "Cancún", string country = "MX") =>
        new(name, city, country,
            YearsOfExperience: 10,
            PatientsPerYear: 800,
            CostRange: new CostRange(4_000, 12_000),
            BestFor: ["Orthopedic conditions", "Autoimmune diseases"],
            Programs:
            [
                new TreatmentProgram("Knee program", "orthopedics", CellType.Mesenchymal, "50 million cells",
                    ["Consultation", "Hotel"], 3, 6_000, 5_500),
            ],
            AccreditationsClaimed: ["JCI"]);

    public static async Task<NewClinic> RegisterClinic(this IAlbaHost host, string token, ClinicDetails? details = null)
    {
        var result = await host.Scenario(s =>
        {
            s.WithRequestHeader("Authorization", $"Bearer {token}");
            s.Post.Json(details ?? AClinic()).ToUrl("/api/clinics");
            s.StatusCodeShouldBe(201);
        });
        return result.ReadAsJson<NewClinic>().ShouldNotBeNull();
    }
}
