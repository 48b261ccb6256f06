using ClinicVetting.Infrastructure.Hosting;
using JasperFx;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;

namespace ClinicVetting.UnitTests.Infrastructure;

public class restarting_stopped_projection_shards
{
    private static readonly DateTimeOffset StoppedAt = new(2030, 1, 7, 9, 0, 0, TimeSpan.Zero);

    private static ShardFailure Failure(Exception exception) => ShardFailure.For(exception, StoppedAt);

    private static readonly ShardFailure AnotherProcessMovedItsProgress =
        Failure(new ProgressionProgressOutOfOrderException(new ShardName("PublicRanking")));

    [Fact]
    public void a_shard_stopped_because_another_process_moved_its_progress_is_restarted_once_it_has_been_stopped_a_while() =>
        StoppedShardRecovery.ShouldRestart(AgentStatus.Stopped, AnotherProcessMovedItsProgress, StoppedAt + StoppedShardRecovery.StoppedAtLeast).ShouldBeTrue();

    [Fact]
    public void not_at_once_the_other_process_may_still_be_running_it() =>
        StoppedShardRecovery.ShouldRestart(AgentStatus.Stopped, AnotherProcessMovedItsProgress, StoppedAt.AddSeconds(1)).ShouldBeFalse();

    [Fact]
    public void a_running_or_paused_shard_is_left_to_the_daemon() // Marten restarts paused ones itself
    {
        StoppedShardRecovery.ShouldRestart(AgentStatus.Running, AnotherProcessMovedItsProgress, StoppedAt.AddMinutes(1)).ShouldBeFalse();
        StoppedShardRecovery.ShouldRestart(AgentStatus.Paused, AnotherProcessMovedItsProgress, StoppedAt.AddMinutes(1)).ShouldBeFalse();
    }

    [Fact]
    public void a_shard_stopped_for_another_reason_or_none_given_is_not_touched()
    {
        StoppedShardRecovery.ShouldRestart(AgentStatus.Stopped, Failure(new InvalidOperationException("a bug")), StoppedAt.AddMinutes(1)).ShouldBeFalse();
        StoppedShardRecovery.ShouldRestart(AgentStatus.Stopped, null, StoppedAt.AddMinutes(1)).ShouldBeFalse();
    }
}
