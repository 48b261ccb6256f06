using System.Text.Json;

namespace ClinicVetting.UnitTests.Infrastructure;

public class collecting_case_documents_young
{
    [Fact]
    public void the_api_keeps_objects_up_to_a_mebibyte_off_the_large_object_heap()
    {
        var runtimeConfig = Path.ChangeExtension(typeof(Program).Assembly.Location, ".runtimeconfig.json");

        using var config = JsonDocument.Parse(File.ReadAllText(runtimeConfig));

        config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty("System.GC.LOHThreshold").GetInt32()
            .ShouldBeGreaterThanOrEqualTo(1024 * 1024);
    }
}
