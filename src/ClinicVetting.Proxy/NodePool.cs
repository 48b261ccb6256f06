namespace ClinicVetting.Proxy;

/// <summary>The nodes, which of them are up, and round robin over those (all of them when none is known to be up).</summary>
public sealed class NodePool(IReadOnlyList<string> nodes)
{
    private readonly bool[] _down = new bool[nodes.Count];
    private int _next = -1;

    public IReadOnlyList<string> Nodes => nodes;

    /// <summary>Every node once, starting with the next healthy one in turn, the ones marked down last.</summary>
    public IEnumerable<string> Order()
    {
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)nodes.Count);
        var turn = Enumerable.Range(0, nodes.Count).Select(i => (start + i) % nodes.Count).ToList();
        return turn.Where(i => !Volatile.Read(ref _down[i])).Concat(turn.Where(i => Volatile.Read(ref _down[i]))).Select(i => nodes[i]);
    }

    public void MarkDown(string node) => Set(node, down: true);

    public void MarkUp(string node) => Set(node, down: false);

    private void Set(string node, bool down)
    {
        var index = nodes.ToList().IndexOf(node);
        if (index >= 0) Volatile.Write(ref _down[index], down);
    }
}

/// <summary>
/// Asks each node's /health/ready every second (60 a minute, inside the nodes' anonymous budget for the proxy's own address);
/// a node answering anything but 200 gets no new requests.
/// </summary>
public sealed class NodeHealthChecks(NodePool pool) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1) })
        {
            Timeout = TimeSpan.FromSeconds(2),
        };
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            await Task.WhenAll(pool.Nodes.Select(async node =>
            {
                try
                {
                    using var answer = await http.GetAsync($"{node.TrimEnd('/')}/health/ready", stopping);
                    if (answer.IsSuccessStatusCode) pool.MarkUp(node);
                    else pool.MarkDown(node);
                }
                catch (Exception) when (!stopping.IsCancellationRequested)
                {
                    pool.MarkDown(node);
                }
            }));
        } while (await timer.WaitForNextTickAsync(stopping));
    }
}
