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

    [Fact]
    public async Task a_shard_with_no_progress_recorded_is_behind_not_caught_up()
    {
        await Host.RegisterClinic(Staff);
        await CatchUpProjections();

        // Its row set aside (renamed, so nothing is projected again): as if the shard had never run.
        await ExecuteSql("update clinicvetting.mt_event_progression set name = 'PublicRanking:All-set-aside' where name = 'PublicRanking:All'");
        try
        {
            (await ProjectionCatchUp.ShardsBehind(Store)).ShouldContain(x => x.StartsWith("PublicRanking:All at no progress recorded of "));
        }
        finally
        {
            await ExecuteSql("update clinicvetting.mt_event_progression set name = 'PublicRanking:All' where name = 'PublicRanking:All-set-aside'");
        }

        (await ProjectionCatchUp.ShardsBehind(Store)).ShouldBeEmpty();
    }
}
