using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DcGanTyped.Training.Tests.Data;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 and a free port that serves fixed bodies by path, so download code
/// can be tested without a network. <see cref="CutAfter"/> closes the connection early to imitate a dropped download.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public LoopbackHttpServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoop);
    }

    public int Port { get; }

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/files/");

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>When set, only this many body bytes are sent (with the full Content-Length) before the connection closes.</summary>
    public int? CutAfter { get; set; }

    public void Serve(string path, byte[] body)
    {
        lock (_files)
        {
            _files[path] = body;
        }
    }

    /// <summary>A port on which nothing listens (taken from the OS, then released).</summary>
    public static int UnusedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends with the listener.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => Handle(client));
        }
    }

    private async Task Handle(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadHeaders(stream);
                Interlocked.Increment(ref _requests);
                var path = request.Split(' ').ElementAtOrDefault(1) ?? "/";
                byte[]? body;
                lock (_files)
                {
                    _files.TryGetValue(path, out body);
                }

                if (body is null)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
                    return;
                }

                var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                await stream.WriteAsync(body.AsMemory(0, Math.Min(body.Length, CutAfter ?? body.Length)));
                await stream.FlushAsync();
            }
            catch (IOException)
            {
                // The client went away.
            }
        }
    }

    private static async Task<string> ReadHeaders(NetworkStream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[1];
        while (!text.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(buffer) == 1)
        {
            text.Append((char)buffer[0]);
        }

        return text.ToString();
    }
}
