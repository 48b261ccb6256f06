using Alba;
using ClinicVetting.Infrastructure.Auth;
using ClinicVetting.Vetting.ReferenceData;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Tracking;

namespace ClinicVetting.IntegrationTests.Support;

/// <summary>Each test starts from an empty store and the fixture's clock.</summary>
[Collection(IntegrationCollection.Name)]
public abstract class IntegrationContext(AppFixture fixture) : IAsyncLifetime
{
    protected AppFixture Fixture { get; } = fixture;
    protected IAlbaHost Host => Fixture.Host;
    protected IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    protected string Staff => Fixture.TokenFor("stella-staff", Roles.Staff);
    protected string Approver => Fixture.TokenFor("arthur-approver", Roles.Approver);
    protected string Auditor => Fixture.TokenFor("audrey-auditor", Roles.Auditor);
    protected string Booking => Fixture.TokenFor("booking-system", Roles.Booking);

    public virtual async Task InitializeAsync()
    {
        Fixture.Clock.Now = TestClock.Start;
        await Host.ResetAllDataWithTheHashChain(Store);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Runs one SQL statement on the test database, outside the application (to set up what no endpoint can).</summary>
    protected async Task ExecuteSql(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Events written by the tests' actions: everything but the reference data every database starts with.</summary>
    protected async Task<int> DomainEventCount()
    {
        await using var session = Store.QuerySession();
        return await session.Events.QueryAllRawEvents()
            .Where(x => x.StreamId != RegulatorDirectory.StreamId && x.StreamId != CurrentVettingRules.StreamId
                        && x.StreamId != ClinicVetting.Ranking.CurrentRankingPolicy.StreamId)
            .CountAsync();
    }

    /// <summary>
    /// Lets the async daemon (solo in tests) apply every event appended so far, and makes sure it did: Marten's catch-up hands
    /// back the errors of its shards instead of throwing, and stops at the high-water mark it found, which a sequence gap left by
    /// a rolled-back append can hold below the last event for a moment. A test that then read a projection would see it behind
    /// (a front page without the edition just published) and fail far from the cause; this fails here, naming the shard.
    /// </summary>
    protected Task CatchUpProjections() => Host.CatchUpProjections();

    /// <summary>An HTTP call as a user with a bearer token (null: anonymous).</summary>
    protected Task<IScenarioResult> Call(string? token, Action<Scenario> configure) => Host.Scenario(scenario =>
    {
        if (token is not null)
        {
            scenario.WithRequestHeader("Authorization", $"Bearer {token}");
        }

        configure(scenario);
    });

    /// <summary>An HTTP call that waits for every message it set off to finish.</summary>
    protected async Task<(ITrackedSession, IScenarioResult)> TrackedCall(string? token, Action<Scenario> configure)
    {
        IScenarioResult result = null!;
        var tracked = await Host.ExecuteAndWaitAsync(async () => result = await Call(token, configure));
        return (tracked, result);
    }
}
