namespace CaseGrains.Testing;

/// <summary>A clock that moves only when a test moves it. Timers still run on real time.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    /// <summary>A clock at 2024-03-05 09:30 Shanghai time.</summary>
    public ManualTimeProvider() : this(new DateTimeOffset(2024, 3, 5, 9, 30, 0, TimeSpan.FromHours(8)))
    {
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);

    /// <summary>Sets the clock.</summary>
    public void Set(DateTimeOffset now) => Interlocked.Exchange(ref _utcTicks, now.UtcTicks);
}
