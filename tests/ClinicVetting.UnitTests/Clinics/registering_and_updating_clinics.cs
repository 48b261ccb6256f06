using ClinicVetting.Clinics;
using ClinicVetting.Shared;

namespace ClinicVetting.UnitTests.Clinics;

public class registering_and_updating_clinics
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static ClinicDetails Juventa() => new("Medical Center Juventa", " Playa del Carmen ", "mx",
        YearsOfExperience: 9, BestFor: ["Orthopedics", "Alopecia", "Hair loss", "Parkinson’s disease"]);

    [Fact]
    public void registration_normalizes_what_staff_typed()
    {
        var registered = RegisterClinicHandler.Decide(Guid.NewGuid(), Juventa(), sameClinicAlready: null, Now);

        registered.Details.Country.ShouldBe("MX");
        registered.Details.City.ShouldBe("Playa del Carmen");
        registered.Details.BestFor.ShouldBe(["orthopedics", "hair-loss", "parkinsons"]);
        registered.RegisteredAt.ShouldBe(Now);
    }

    [Fact]
    public void registering_a_clinic_that_exists_is_refused_with_its_id()
    {
        var existing = Guid.NewGuid();

        var conflict = Should.Throw<Conflict>(() => RegisterClinicHandler.Decide(Guid.NewGuid(), Juventa(), existing, Now));

        conflict.Extensions["clinicId"].ShouldBe(existing);
    }

    [Fact]
    public void an_update_names_exactly_the_fields_it_changes()
    {
        var profile = ClinicProfile.Create(RegisterClinicHandler.Decide(Guid.NewGuid(), Juventa(), null, Now));

        var updated = UpdateClinicProfileHandler.Decide(profile, Juventa() with { PatientsPerYear = 500, Website = "https://juventa.example" }, null, Now)!;

        updated.ChangedFields.ShouldBe(["patientsPerYear", "website"]);
    }

    [Fact]
    public void an_update_that_changes_nothing_decides_nothing()
    {
        var profile = ClinicProfile.Create(RegisterClinicHandler.Decide(Guid.NewGuid(), Juventa(), null, Now));

        UpdateClinicProfileHandler.Decide(profile, Juventa() with { Name = "  Medical Center Juventa " }, null, Now).ShouldBeNull();
    }

    [Fact]
    public void renaming_onto_another_clinic_is_refused()
    {
        var profile = ClinicProfile.Create(RegisterClinicHandler.Decide(Guid.NewGuid(), Juventa(), null, Now));

        Should.Throw<Conflict>(() => UpdateClinicProfileHandler.Decide(profile, Juventa() with { Name = "Giostar" }, Guid.NewGuid(), Now));
    }

    [Fact]
    public void the_profile_follows_its_events()
    {
        var id = Guid.NewGuid();
        var profile = ClinicProfile.Create(RegisterClinicHandler.Decide(id, Juventa(), null, Now));
        profile.Apply(UpdateClinicProfileHandler.Decide(profile, Juventa() with { Country = "CO" }, null, Now.AddDays(1))!);

        profile.Id.ShouldBe(id);
        profile.Country.ShouldBe("CO");
        profile.CountryName.ShouldBe("Colombia");
        profile.UpdatedAt.ShouldBe(Now.AddDays(1));
        profile.IdentityKey.ShouldBe("medical center juventa|playa del carmen");
    }
}
