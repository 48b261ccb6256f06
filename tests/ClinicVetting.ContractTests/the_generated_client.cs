using ClinicVetting.ContractTests.GeneratedClient.Models;
using ClinicVetting.ContractTests.Support;
using Microsoft.Kiota.Abstractions;

namespace ClinicVetting.ContractTests;

/// <summary>A client generated from the committed contract by Kiota drives the real app over HTTP.</summary>
[Collection(ContractCollection.Name)]
public sealed class the_generated_client(ContractApp contract)
{
    [Fact]
    public async Task an_anonymous_caller_reads_the_condition_catalog()
    {
        var client = GeneratedClients.For(contract.App);

        var conditions = await client.Api.Reference.Conditions.GetAsync();

        conditions.ShouldNotBeNull().Select(condition => condition.Code).ShouldContain("orthopedics");
    }

    [Fact]
    public async Task a_staff_token_opens_an_internal_list_that_refuses_an_anonymous_caller()
    {
        var refused = await Should.ThrowAsync<ApiException>(() => GeneratedClients.For(contract.App).Api.Clinics.GetAsync());
        refused.ResponseStatusCode.ShouldBe(401);

        var staff = GeneratedClients.For(contract.App, contract.App.TokenFor("contract-staff", "staff"));
        var page = await staff.Api.Clinics.GetAsync();

        page.ShouldNotBeNull().Items.ShouldNotBeNull();
    }

    [Fact]
    public async Task staff_record_a_claim_and_read_the_typed_answer()
    {
        var staff = GeneratedClients.For(contract.App, contract.App.TokenFor("contract-staff", "staff"));
        var clinic = await staff.Api.Clinics.PostAsync(new ClinicDetails { Name = $"Contract clinic {Guid.NewGuid():N}", City = "Cancún", Country = "MX" });
        var clinicId = Guid.Parse(clinic.ShouldNotBeNull().Url!.Split('/').Last());
        var today = DateTime.UtcNow.Date;

        var claim = await staff.Api.Clinics[clinicId].Claims.Licenses.PostAsync(
            new LicenseInput { IssuedBy = "COFEPRIS", Number = "LIC-KIOTA-1", ValidFrom = new Date(today.AddYears(-1)), ValidUntil = new Date(today.AddYears(2)) });

        claim.ShouldNotBeNull().ClinicId.ShouldBe(clinicId);
        claim.Unchanged.ShouldBe(false);
        claim.ClaimId.ShouldNotBeNull(); // a 201 the client reads as the typed ClaimOnFile (Location: recording_claims)
    }

    [Fact]
    public async Task a_refusal_reads_as_its_problem_detail()
    {
        var anonymous = GeneratedClients.For(contract.App);

        var refused = await Should.ThrowAsync<ProblemDetails>(() => anonymous.Api.Public.Rankings.GetAsync(request => request.QueryParameters.Country = "ZZ"));

        refused.ResponseStatusCode.ShouldBe(404);
        refused.Detail.ShouldNotBeNull().ShouldContain("'ZZ'");
        refused.Message.ShouldBe(refused.Detail); // not "Exception of type ... was thrown": the contract names `detail` the message
    }
}
