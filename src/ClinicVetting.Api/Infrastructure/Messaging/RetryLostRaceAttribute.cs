using JasperFx;
using JasperFx.CodeGeneration;
using Marten.Exceptions;
using Npgsql;
using Wolverine.Attributes;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace ClinicVetting.Infrastructure.Messaging;

/// <summary>
/// For create commands that are idempotent on their keys: when a concurrent request created the same stream or unique
/// document first, the command runs again, sees the winner's data and answers as it would any later request.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RetryLostRaceAttribute : ModifyHandlerChainAttribute
{
    public override void Modify(HandlerChain chain, GenerationRules rules) =>
        chain.OnException(IsLostRace).RetryWithCooldown(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200));

    public static bool IsLostRace(Exception exception) => exception switch
    {
        DocumentAlreadyExistsException or ConcurrencyException => true,
        ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        MartenCommandException { InnerException: { } inner } => IsLostRace(inner),
        _ => false,
    };
}
