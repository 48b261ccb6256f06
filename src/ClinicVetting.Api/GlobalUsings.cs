// The usings nearly every use case file repeats: the libraries, the platform and the shared vocabulary. A capability's
// namespace is never here, so each file still says which other capabilities it reads.
global using ClinicVetting.Infrastructure.Auth;
global using ClinicVetting.Infrastructure.Http;
global using ClinicVetting.Shared;
global using Marten;
global using Microsoft.AspNetCore.Authorization;
global using Microsoft.AspNetCore.Mvc;
global using Wolverine;
global using Wolverine.Http;
