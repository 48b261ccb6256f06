using ClinicVetting.Infrastructure.Hosting;
using Npgsql;

namespace ClinicVetting.UnitTests.Infrastructure;

public class preparing_repeated_statements
{
    [Fact]
    public void marten_connections_prepare_statements_used_twice()
    {
        var prepared = new NpgsqlConnectionStringBuilder(PreparedStatements.For("Host=db;Database=clinicvetting;Username=app"));

        (prepared.MaxAutoPrepare, prepared.AutoPrepareMinUsages).ShouldBe((PreparedStatements.MaxAutoPrepare, 2));
        (prepared.Host, prepared.Database, prepared.Username).ShouldBe(("db", "clinicvetting", "app"));
    }

    [Fact]
    public void a_connection_string_that_chooses_its_own_preparation_keeps_it()
    {
        var own = new NpgsqlConnectionStringBuilder(PreparedStatements.For("Host=db;Max Auto Prepare=5;Auto Prepare Min Usages=7"));

        (own.MaxAutoPrepare, own.AutoPrepareMinUsages).ShouldBe((5, 7));
    }
}
