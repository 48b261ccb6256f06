using ClinicVetting.Infrastructure.Hosting;
using Npgsql;

namespace ClinicVetting.UnitTests.Infrastructure;

public class sizing_socket_buffers
{
    [Fact]
    public void marten_connections_send_and_receive_a_vetting_case_in_one_buffer()
    {
        var sized = new NpgsqlConnectionStringBuilder(WireBuffers.For("Host=db;Database=clinicvetting;Username=app"));

        (sized.WriteBufferSize, sized.ReadBufferSize).ShouldBe((WireBuffers.Size, WireBuffers.Size));
        (sized.Host, sized.Database, sized.Username).ShouldBe(("db", "clinicvetting", "app"));
    }

    [Fact]
    public void a_connection_string_that_sizes_its_own_buffers_keeps_them()
    {
        var own = new NpgsqlConnectionStringBuilder(WireBuffers.For("Host=db;Write Buffer Size=16384;Read Buffer Size=32768"));

        (own.WriteBufferSize, own.ReadBufferSize).ShouldBe((16384, 32768));
    }
}
