using ClinicVetting.Testing;

namespace ClinicVetting.ContractTests.Support;

/// <summary>The app on a real port, once for all contract tests, on a database of this project's own.</summary>
public sealed class ContractApp : IAsyncLifetime
{
    public const string Database = "clinicvetting_contract";

    public LiveApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Runs never inherit each other's clinics: ten approved by earlier runs would keep this run's out of the top 10.
        TestDatabase.Drop(Database);
        App = await LiveApp.Start(new LiveAppOptions(Database));
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ContractCollection : ICollectionFixture<ContractApp>
{
    public const string Name = "contract";
}
