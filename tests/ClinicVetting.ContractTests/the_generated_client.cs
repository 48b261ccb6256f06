using ClinicVetting.ContractTests.Support;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Serialization;

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
}
