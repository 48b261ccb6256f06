using JasperFx.Events;

namespace ClinicVetting.Shared;

public static class ExistingStreams
{
    /// <summary>A stream fetched for writing, with its state; a stream that does not exist is a 404 naming <paramref name="what"/>.</summary>
    public static async Task<(IEventStream<T> Stream, T State)> FetchExisting<T>(this Marten.Events.IEventStoreOperations events, Guid id, string what,
        CancellationToken cancellation) where T : class
    {
        var stream = await events.FetchForWriting<T>(id, cancellation);
        return (stream, stream.Aggregate ?? throw new NotFound(what, id));
    }
}
