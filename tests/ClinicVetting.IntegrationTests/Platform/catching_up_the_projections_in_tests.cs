using ClinicVetting.IntegrationTests.Clinics;
using ClinicVetting.IntegrationTests.Support;
using Marten;

namespace ClinicVetting.IntegrationTests.Platform;

/// <summary>
/// The tests' catch-up (<see cref="ProjectionCatchUp"/>) returns only once every async shard has applied the last event: a test
/// that reads a projection after it reads what it just wrote, or fails in the catch-up, naming the shard that stayed behind.
/// </summary>
public class catching_up_the_projections_in_tests(AppFixture fixture) : IntegrationContext(fixture)
{
    [Fact]
    public async Task a_shard_behind_the_last_event_is_named_until_the_catch_up_brings_every_shard_to_it()
    {
        await Host.RegisterClinic(Staff);
        await CatchUpProjections();
        (await ProjectionCatchUp.ShardsBehind(Store)).ShouldBeEmpty();

        // The tests' daemon projects only when forced: a clinic registered now leaves every shard behind it.
        await Host.RegisterClinic(Staff, ClinicScenarios.AClinic("Clínica Después"));
        var behind = await ProjectionCatchUp.ShardsBehind(Store);
        behind.ShouldContain(x => x.StartsWith("PublicRanking:All at "));

        await CatchUpProjections();
        (await ProjectionCatchUp.ShardsBehind(Store)).ShouldBeEmpty();
    }
}
