using ClinicVetting.Infrastructure.Hosting;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;

namespace ClinicVetting.Infrastructure.Http;

/// <summary>Hands the request's correlation id to Wolverine, so events and messages carry the id the logs show.</summary>
public sealed class CorrelationPolicy : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains)
        {
            var dependencies = chain.ServiceDependencies(container, Type.EmptyTypes).ToArray();
            if (dependencies.Contains(typeof(IMessageBus)) || dependencies.Contains(typeof(IMessageContext)))
            {
                chain.Middleware.Insert(0, new MethodCall(typeof(CorrelationPolicy), nameof(Relay)));
            }
        }
    }

    public static void Relay(HttpContext http, IMessageContext messaging) => messaging.CorrelationId = CorrelationId.Of(http);
}
