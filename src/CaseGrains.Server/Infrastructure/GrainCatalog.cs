using CaseGrains.Runtime.Hosting;

namespace CaseGrains.Server.Infrastructure;

/// <summary>The grain classes this service hosts.</summary>
internal static class GrainCatalog
{
    public static void Register(GrainRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
    }
}
