using System.Text.RegularExpressions;
using ClinicVetting.Infrastructure.Hosting;
using ClinicVetting.Infrastructure.Http;
using Microsoft.Extensions.Configuration;
using Npgsql;
using YamlDotNet.RepresentationModel;

namespace ClinicVetting.UnitTests.Infrastructure;

/// <summary>
/// docker-compose.yml (no Docker on the machines that run the tests) runs what ./scripts/run --nodes 3 runs: the schema
/// applied once before any node starts, three nodes that never create tables themselves, node 1 ready before the
/// others, and the proxy in front of them on the scripts' port; every setting it gives a node is one the code reads.
/// </summary>
public class the_docker_compose_topology
{
    private static readonly string Root = ClinicVetting.Testing.RepoPaths.Root;
    private static readonly YamlMappingNode Services = (YamlMappingNode)Load("docker-compose.yml")["services"];
    private static readonly string[] Nodes = ["api-1", "api-2", "api-3"];

    [Fact]
    public void postgres_the_schema_step_three_nodes_and_the_proxy() =>
        Services.Children.Keys.Select(x => x.ToString()).Order().ShouldBe(["api-1", "api-2", "api-3", "migrate", "postgres", "proxy"]);

    [Fact]
    public void the_schema_is_applied_once_before_any_node_starts_and_no_node_creates_tables()
    {
        Service("migrate").Strings("command").ShouldBe(["db-apply"]);
        Service("migrate").DependsOn("postgres").ShouldBe("service_healthy");
        foreach (var node in Nodes)
        {
            Service(node).DependsOn("migrate").ShouldBe("service_completed_successfully", node);
            AppOptions.From(Settings(node)).AutoCreateSchema.ShouldBe("None", node);
        }

        foreach (var later in Nodes.Skip(1)) Service(later).DependsOn("api-1").ShouldBe("service_healthy", later);
        Service("api-1").Strings("healthcheck", "test").Last().ShouldContain("/health/ready", Case.Sensitive, "healthy must mean ready");
    }

    [Fact]
    public void every_node_and_the_schema_step_use_the_postgres_service_and_each_node_names_its_connections()
    {
        var postgres = Service("postgres").Environment();
        foreach (var (name, index) in Nodes.Prepend("migrate").Select((x, i) => (x, i)))
        {
            var connection = new NpgsqlConnectionStringBuilder(AppOptions.ConnectionString(Settings(name)));
            (connection.Host, connection.Port, connection.Database, connection.Username, connection.Password)
                .ShouldBe(("postgres", 5432, postgres["POSTGRES_DB"], postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"]), name);
            connection.ApplicationName.ShouldBe(index == 0 ? "clinicvetting-migrate" : $"clinicvetting-node-{index}", name);
        }
    }

    [Fact]
    public void only_node_1_loads_the_demo_every_node_drains_and_trusts_the_proxy_network()
    {
        foreach (var node in Nodes)
        {
            var settings = Settings(node);
            AppOptions.From(settings).LoadDemoData.ShouldBe(node == "api-1", node);
            settings.GetValue<double>(NodeDrain.DrainSecondsKey).ShouldBeGreaterThan(0, node);
            ForwardedHeaders.ProxiesFrom(settings).Any.ShouldBeTrue(node);
        }
    }

    [Fact]
    public void the_proxy_sends_to_every_node_on_the_images_port_and_listens_on_the_scripts_port()
    {
        var imagePort = Regex.Match(File.ReadAllText(Path.Combine(Root, "Dockerfile")), @"ASPNETCORE_URLS=http://\+:(\d+)").Groups[1].Value;
        var scriptsPort = Regex.Match(File.ReadAllText(Path.Combine(Root, "scripts", "run")), @"PORT=""\$\{PORT:-(\d+)\}""").Groups[1].Value;
        imagePort.ShouldNotBeEmpty();
        scriptsPort.ShouldNotBeEmpty();

        Service("proxy").Environment()["Proxy__NodeList"].Split(',').ShouldBe(Nodes.Select(x => $"http://{x}:{imagePort}"));
        Service("proxy").Strings("ports").ShouldBe([$"{scriptsPort}:{imagePort}"]);
    }

    [Fact]
    public void a_node_is_given_no_setting_the_code_does_not_read()
    {
        string[] read =
        [
            "ASPNETCORE_ENVIRONMENT", "ConnectionStrings:ClinicVetting", NodeDrain.DrainSecondsKey,
            $"{ForwardedHeaders.Section}:KnownProxies", $"{ForwardedHeaders.Section}:KnownNetworks",
            .. typeof(AppOptions).GetProperties().Select(x => $"{AppOptions.Section}:{x.Name}"),
        ];
        foreach (var name in Nodes.Prepend("migrate").SelectMany(x => Service(x).Environment().Keys).Distinct())
        {
            var key = Regex.Replace(name.Replace("__", ":"), @":\d+$", "");
            read.ShouldContain(key, $"{name} is read by nothing");
        }
    }

    private static IConfiguration Settings(string service) => new ConfigurationBuilder()
        .AddInMemoryCollection(Service(service).Environment().Select(x => KeyValuePair.Create(x.Key.Replace("__", ":"), (string?)x.Value)))
        .Build();

    private static ComposeService Service(string name) => new((YamlMappingNode)Services[name]);

    private sealed record ComposeService(YamlMappingNode Node)
    {
        public Dictionary<string, string> Environment() => Entries((YamlMappingNode)Value(Node, "environment"))
            .GroupBy(x => x.Key.ToString()).ToDictionary(x => x.Key, x => x.Last().Value.ToString());

        public string DependsOn(string service) => ((YamlMappingNode)Value((YamlMappingNode)Value(Node, "depends_on"), service))["condition"].ToString();

        public string[] Strings(params string[] path)
        {
            YamlNode node = Node;
            foreach (var key in path) node = Value((YamlMappingNode)node, key);
            return ((YamlSequenceNode)node).Children.Select(x => x.ToString()).ToArray();
        }
    }

    /// <summary>
    /// A key's value as Compose reads it, through merge keys (&lt;&lt;: *anchor, which YamlDotNet's model leaves to the reader):
    /// a key of the mapping itself replaces the merged one whole (YAML merges are shallow).
    /// </summary>
    private static YamlNode Value(YamlMappingNode mapping, string key) =>
        Entries(mapping).LastOrDefault(x => x.Key.ToString() == key).Value ?? throw new KeyNotFoundException(key);

    private static IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries(YamlMappingNode mapping) =>
        mapping.Children.TryGetValue(new YamlScalarNode("<<"), out var merge) && merge is YamlMappingNode merged
            ? Entries(merged).Concat(mapping.Children.Where(x => x.Key.ToString() != "<<"))
            : mapping.Children;

    private static YamlMappingNode Load(string file)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, file));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
