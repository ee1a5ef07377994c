// The baseline's nginx.conf: mapserv over FastCGI at /mapserv, and a folder of tile files served
// statically at /tiles/. Everything nginx writes (pid, logs, temp files) stays under `prefix`, so it
// runs as an ordinary child process with no system config touched.

export interface NginxConfOptions {
  /** nginx's -p: pid, error log and temp folders go here. */
  prefix: string;
  port: number;
  workers: number;
  /** The mapserv processes' FastCGI socket. */
  fastcgiSocket: string;
  /** MapServer 8's config file, passed to every request as the CGI environment expects. */
  mapserverConfig: string;
  /** Folder served at /tiles/ (WMTS baseline). */
  tileRoot: string;
}

export function nginxConf(o: NginxConfOptions): string {
  // Run as root, nginx's workers would switch to `nobody`, who cannot read the bench's temp
  // folders; as any other user the directive is ignored.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `${user}daemon off;
master_process on;
worker_processes ${o.workers};
pid ${o.prefix}/nginx.pid;
error_log ${o.prefix}/error.log warn;

events {
  worker_connections 1024;
}

http {
  access_log off;
  client_body_temp_path ${o.prefix}/client-body;
  fastcgi_temp_path ${o.prefix}/fastcgi;
  proxy_temp_path ${o.prefix}/proxy;
  scgi_temp_path ${o.prefix}/scgi;
  uwsgi_temp_path ${o.prefix}/uwsgi;
  # A static file server as deployed for tiles: sendfile, open-file cache, long keep-alive.
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  open_file_cache max=10000 inactive=60s;
  open_file_cache_valid 60s;
  types {
    image/png png;
    image/jpeg jpg;
    image/webp webp;
  }
  default_type application/octet-stream;

  server {
    listen 127.0.0.1:${o.port} backlog=1024;

    location = /mapserv {
      fastcgi_pass unix:${o.fastcgiSocket};
      fastcgi_param QUERY_STRING $query_string;
      fastcgi_param REQUEST_METHOD $request_method;
      fastcgi_param CONTENT_TYPE $content_type;
      fastcgi_param CONTENT_LENGTH $content_length;
      fastcgi_param SCRIPT_NAME /mapserv;
      fastcgi_param REQUEST_URI $request_uri;
      fastcgi_param SERVER_PROTOCOL $server_protocol;
      fastcgi_param SERVER_NAME 127.0.0.1;
      fastcgi_param SERVER_PORT ${o.port};
      fastcgi_param REMOTE_ADDR $remote_addr;
      fastcgi_param HTTP_HOST $host;
      fastcgi_param MAPSERVER_CONFIG_FILE ${o.mapserverConfig};
      # Room for a whole 512² float32 GeoTIFF in memory: no temp files on the way out.
      fastcgi_buffers 128 16k;
      fastcgi_buffer_size 32k;
    }

    location /tiles/ {
      alias ${o.tileRoot}/;
    }
  }
}
`;
}
